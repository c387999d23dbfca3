"""`grappe export csv-template-organisations` (and -offerings, -references): an empty table of
Grappe's CSV format with one example row, to fill in a spreadsheet and import back."""

from dataclasses import dataclass

from grappe.interop.formats import register_exporter
from grappe.interop.formats.csv_tables import TABLES, csv_template


@dataclass(frozen=True)
class CsvTemplateExporter:
    kind: str

    @property
    def name(self) -> str:
        return f"csv-template-{self.kind}"

    @property
    def description(self) -> str:
        return f"template of Grappe's CSV table of {self.kind} (header and one example row)"

    def render(self) -> tuple[str, str, bytes]:
        return f"grappe-{self.kind}.csv", "text/csv; charset=utf-8", csv_template(self.kind)


for _kind in TABLES:
    register_exporter(CsvTemplateExporter(_kind))
