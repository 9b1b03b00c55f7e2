from django.http import HttpResponse


def batch_detail(request, pk):  # placeholder, replaced by the batch pages
    return HttpResponse(status=404)
