"""The loan pages (placeholder: the loan page)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from ..permissions import VIEW, access_loan_or_404


@login_required
def loan_detail(request, pk):
    loan = access_loan_or_404(request.user, pk, perm=VIEW, request=request)
    return HttpResponse(str(loan))
