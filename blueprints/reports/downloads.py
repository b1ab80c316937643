"""A report's table as a CSV or XLSX download (models/exports/table.py writes both)."""

import io

from flask import Response, send_file, stream_with_context

from models.exports.table import ExportTable, csv_chunks, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: ExportTable, fmt: str, filename: str, title: str):
    if fmt == "csv":
        return Response(
            stream_with_context(csv_chunks(data)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    target = io.BytesIO()
    write_xlsx(data, target, title)
    target.seek(0)
    return send_file(target, mimetype=XLSX, as_attachment=True, download_name=filename)
