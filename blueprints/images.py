"""Answering with an uploaded image (models/uploads.py): its own content type, never sniffed,
kept privately by the browser (its name never changes what it holds)."""

from flask import abort, make_response

from models.uploads import open_image


def image_response(name: str):
    found = open_image(name)
    if found is None:
        abort(404)
    data, content_type = found
    response = make_response(data)
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
