"""Uploaded files whose name is no name are kept for the form to refuse.

Django's request parser strips folders from an uploaded file's name and then drops the whole
file when nothing is left but ``.`` or ``..`` (``..``, ``a/..``, ``dir/``): the form sees "no
file chosen", and a document was saved without the file the person sent, with no word said.
``UploadedFileNamesMiddleware`` parses with ``KeepNamelessFilesParser`` instead, which hands
such a file on under the name ``...`` (only dots, like what was left of it), so the upload
check refuses it with a message beside the field (``documents.uploads.check_upload``).

Nothing is written under such a name: every document is stored under a generated name. A
part whose name is empty from the start is what a browser sends when no file was chosen, and
is still skipped as Django does.
"""

from types import MethodType

from django.http.multipartparser import MultiPartParser
from django.utils.datastructures import ImmutableList

# The name a nameless file is handed on under: only dots, as "." and "..", but one that
# Django's UploadedFile takes (it refuses "", "." and ".." with a 400 and no message).
NAMELESS = "..."


class KeepNamelessFilesParser(MultiPartParser):
    def sanitize_file_name(self, file_name):
        sanitized = super().sanitize_file_name(file_name)
        return NAMELESS if sanitized is None else sanitized


def _parse_file_upload(request, META, post_data):
    """``HttpRequest.parse_file_upload``, with the parser above."""
    request.upload_handlers = ImmutableList(
        request.upload_handlers,
        warning="You cannot alter upload handlers after the upload has been processed.",
    )
    parser = KeepNamelessFilesParser(META, post_data, request.upload_handlers, request.encoding)
    return parser.parse()


class UploadedFileNamesMiddleware:
    """First in ``MIDDLEWARE``: before anything reads ``request.POST`` (the CSRF check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.parse_file_upload = MethodType(_parse_file_upload, request)
        return self.get_response(request)
