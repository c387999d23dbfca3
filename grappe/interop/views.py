"""The curators' upload page: any importer of `grappe import`, from the browser, with the same
report, downloadable afterwards."""

from pathlib import Path

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from grappe.interop.formats import IMPORTERS
from grappe.interop.uploads import MAX_UPLOAD_BYTES, UploadRefused, saved_upload, scratch_folder

SESSION_REPORT = "interop_last_report"
# Curators may import; restoring a whole dump stays a command for administrators.
NOT_UPLOADABLE = {"dump"}


class ImportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("Up to %(size)s MB; a .zip archive for a folder of files.")
        % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: report what would change, save nothing"), required=False
    )
    partial = forms.BooleanField(
        label=_("Save the valid entries even if others are rejected"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = [
            (name, f"{name}: {importer.description}")
            for name, importer in sorted(IMPORTERS.items())
            if name not in NOT_UPLOADABLE
        ]


@permission_required("directory.change_organisation", raise_exception=True)
def upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        importer = IMPORTERS[form.cleaned_data["format"]]
        with scratch_folder() as folder:
            try:
                path = saved_upload(form.cleaned_data["file"], Path(folder))
            except UploadRefused as refused:
                error = str(refused)
            else:
                report = importer.run(
                    path,
                    dry_run=form.cleaned_data["dry_run"],
                    partial=form.cleaned_data["partial"],
                )
                report.source = form.cleaned_data["file"].name  # not the scratch folder's path
                request.session[SESSION_REPORT] = report.as_text()
    context = {
        **admin.site.each_context(request),
        "title": _("Import a file"),
        "form": form,
        "report": report,
        "error": error,
    }
    return render(request, "interop/upload.html", context, status=400 if error else 200)


@permission_required("directory.change_organisation", raise_exception=True)
def last_report(request: HttpRequest) -> HttpResponse:
    """The last import's report as plain text, to keep or send."""
    text = request.session.get(SESSION_REPORT)
    if text is None:
        return HttpResponse(_("No import yet in this session."), status=404)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="grappe-import-report.txt"'
    return response
