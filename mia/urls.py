from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accompaniment.week import home
from mia import views
from mia.health import health

admin.site.site_header = "MIA — administration"
admin.site.site_title = "MIA"
# One door: the admin's own login form would skip the rate limits and the second factor. It
# sends to the app's login (then back), and refuses a signed-in account that is not staff.
admin.site.login = secure_admin_login(admin.site.login)

# allauth's rate limits answer through this handler: a security event (mia.security).
handler429 = "mia.security.too_many_requests"

urlpatterns = [
    path("", home, name="home"),
    path("", include("beneficiaries.urls")),
    path("", include("accompaniment.urls")),
    path("", include("employment.urls")),
    path("", include("housing.urls")),
    path("", include("partners.urls")),
    path("equipe/", views.team_list, name="team_list"),
    path("equipe/nouveau/", views.team_invite, name="team_invite"),
    path("equipe/sessions/fin/", views.team_sessions_end, name="team_sessions_end"),
    path("equipe/securite/", views.security_events, name="security_events"),
    path("sante/", health, name="health"),
    path("langue/", views.language, name="language"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
]
