"""The portal's routes (every one is tested as the wrong user in ``tests/test_portal.py``)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from . import views

portal = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="portal/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("lang/", set_language, name="lang"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:collection_id>/template/", views.template, name="template"),
    path("tasks/<int:collection_id>/upload/", views.upload, name="upload"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/<int:submission_id>/", views.submission, name="submission"),
    path("submissions/<int:submission_id>/file/", views.submission_file, name="submission_file"),
    path("submissions/<int:submission_id>/report/", views.submission_report, name="submission_report"),
    path("submissions/<int:submission_id>/submit/", views.submit, name="submit"),
    path("submissions/<int:submission_id>/accept/", views.accept, name="accept"),
    path("submissions/<int:submission_id>/return/", views.return_submission, name="return"),
    path("board/", views.board, name="board"),
    path("outputs/", views.outputs, name="outputs"),
    path("outputs/run/", views.run, name="run"),
    path("outputs/<int:output_id>/<str:fmt>/", views.output_file, name="output_file"),
    path("audit/", views.audit_log, name="audit"),
    path("manage/accounts/", views.accounts, name="accounts"),
    path("manage/accounts/new/", views.account_new, name="account_new"),
    path("manage/accounts/<int:user_id>/", views.account_edit, name="account_edit"),
    path("manage/accounts/<int:user_id>/password/", views.account_password, name="account_password"),
    path("manage/years/", views.years, name="years"),
    path("manage/plans/", views.plan_choose, name="plan_choose"),
    path("manage/years/open/", views.year_open, name="year_open"),
    path("manage/years/<int:collection_id>/close/", views.year_close, name="year_close"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((portal, "portal"))),
]
