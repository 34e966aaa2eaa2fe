from django.contrib import admin
from django.urls import include, path

from accompaniment.views import home
from mia import views
from mia.health import health

admin.site.site_header = "MIA — administration"
admin.site.site_title = "MIA"

urlpatterns = [
    path("", home, name="home"),
    path("", include("beneficiaries.urls")),
    path("", include("accompaniment.urls")),
    path("", include("partners.urls")),
    path("equipe/", views.team_list, name="team_list"),
    path("equipe/nouveau/", views.team_invite, name="team_invite"),
    path("sante/", health, name="health"),
    path("langue/", views.language, name="language"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
]
