from django.urls import include, path

from imroc.accounts import language
from imroc.core import views as core_views
from imroc.programme import views as programme_views
from imroc.programme.views import people as people_views

urlpatterns = [
    path("", programme_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("help/", core_views.help_index, name="help"),
    path("help/<slug:guide>/", core_views.help_guide, name="help_guide"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("language/", language.choose_language, name="set_language"),
    path("invitations/<str:token>/", people_views.accept_invitation, name="invitation"),
    path("accounts/tokens/", include("imroc.api.token_urls")),
    path("accounts/", include("imroc.accounts.urls")),
    path("api/v1/", include("imroc.api.urls")),
    path("programme/reports/", include("imroc.reports.programme_urls")),
    path("programme/bundles/", include("imroc.reports.bundle_urls")),
    path("programme/measures/", include("imroc.measures.programme_urls")),
    path("programme/benchmarks/", include("imroc.measures.benchmark_urls")),
    path("programme/", include("imroc.programme.urls")),
    path("sites/", include("imroc.programme.site_urls")),
    path("sites/", include("imroc.assessment.urls")),
    path("sites/", include("imroc.improvement.urls")),
    path("sites/", include("imroc.college.urls")),
    path("colleges/", include("imroc.college.public_urls")),
    path("sites/", include("imroc.measures.urls")),
    path("sites/", include("imroc.workforce.urls")),
    path("sites/", include("imroc.surveys.urls")),
    path("sites/", include("imroc.reports.urls")),
    path("sites/", include("imroc.reports.export_urls")),
    path("r/", include("imroc.surveys.respond_urls")),
]

handler400 = "imroc.core.views.bad_request"
handler403 = "imroc.core.views.permission_denied"
handler404 = "imroc.core.views.page_not_found"
handler500 = "imroc.core.views.server_error"
