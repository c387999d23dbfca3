"""Files curators upload for import: kept whole on disk for the importer, size-limited, and zip
archives (a folder of publiccode.yml files, say) unpacked safely."""

import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.core.files.uploadedfile import UploadedFile

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000


class UploadRefused(ValueError):
    """An upload Grappe will not read; the message says why."""


def saved_upload(upload: UploadedFile, folder: Path) -> Path:
    """The uploaded file written into `folder`, or the folder it unpacks to for a zip."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"the file is {upload.size // (1024 * 1024)} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
        )
    name = PurePosixPath(upload.name or "upload").name or "upload"
    path = folder / name
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    if name.lower().endswith(".zip"):
        return _unpacked(path, folder / "unpacked")
    return path


def _unpacked(archive: Path, target: Path) -> Path:
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            if len(members) > MAX_MEMBERS:
                raise UploadRefused(f"the archive holds more than {MAX_MEMBERS} files")
            if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise UploadRefused("the archive unpacks to more than 200 MB")
            for member in members:
                relative = PurePosixPath(member.filename)
                if relative.is_absolute() or ".." in relative.parts:
                    raise UploadRefused(f"the archive names a path outside itself: {relative}")
                if member.is_dir():
                    continue
                destination = target.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, destination.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
    except zipfile.BadZipFile as error:
        raise UploadRefused(f"not a readable zip archive ({error})") from error
    return target


def scratch_folder() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="grappe-import-")
