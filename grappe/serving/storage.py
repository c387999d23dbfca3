"""Static files: hashed and compressed names once collected, the plain names before.

`grappe collectstatic` copies every static file into STATIC_ROOT under a name carrying a hash
of its content (grappe.4f2a9c1e.css), with gzip and Brotli copies, and writes the manifest
(staticfiles.json). WhiteNoise then serves those names with a cache lifetime of a year: a
browser downloads a stylesheet once per release.

Before any collectstatic (a laptop, the tests) there is no manifest: pages link the plain
names, which WhiteNoise finds in the apps' folders (WHITENOISE_USE_FINDERS) and serves with a
short lifetime. A file added since the last collectstatic is linked by its plain name too,
never a 500; `grappe check-deploy` reports that the files need collecting again.
"""

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

MANIFEST = "staticfiles.json"


class GrappeStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = True

    def url(self, name, force=False):
        if not self.hashed_files:
            return StaticFilesStorage.url(self, name)
        try:
            return super().url(name, force)
        except ValueError:  # not in the manifest: collected before this file existed
            return StaticFilesStorage.url(self, name)
