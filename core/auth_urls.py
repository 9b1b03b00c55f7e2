from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from .auth import session_start
from .forms import LoginForm


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The session ends with the browser unless the user asked to stay signed in.
        session_start(self.request, remember=form.cleaned_data.get("remember", False))
        return response


# Names are Django's own, so the admin and the password-change templates find them.
urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("password_change_done")),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
