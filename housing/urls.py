from django.urls import path

from housing import views

app_name = "housing"

urlpatterns = [
    path("evacuations/", views.evacuation_list, name="evacuation_list"),
    path("sites/<int:pk>/evacuations/nouvelle/", views.evacuation_create, name="evacuation_create"),
    path("sites/<int:pk>/hebergement/", views.site_housing, name="site_housing"),
    path("evacuations/<int:pk>/", views.evacuation_board, name="evacuation_board"),
    path("evacuations/<int:pk>/modifier/", views.evacuation_edit, name="evacuation_edit"),
    path(
        "evacuations/<int:pk>/souhait/",
        views.wish_set,
        name="wish_set",
    ),
    path(
        "evacuations/<int:pk>/proposition/",
        views.offer_create,
        name="offer_create",
    ),
    path("propositions/<int:pk>/reponse/", views.offer_answer, name="offer_answer"),
    path("menages/<int:pk>/hebergement/", views.trajectory, name="trajectory"),
    path("personnes/<int:pk>/hebergement/", views.person_housing, name="person_housing"),
    path(
        "menages/<int:pk>/hebergement/placements/nouveau/",
        views.placement_create,
        name="placement_create",
    ),
    path("placements/<int:pk>/", views.placement_edit, name="placement_edit"),
    path("menages/<int:pk>/hebergement/siao/nouvelle/", views.siao_create, name="siao_create"),
    path("siao/<int:pk>/", views.siao_edit, name="siao_edit"),
    path(
        "menages/<int:pk>/hebergement/logement-social/nouvelle/",
        views.application_create,
        name="application_create",
    ),
    path("logement-social/<int:pk>/", views.application_edit, name="application_edit"),
    path(
        "menages/<int:pk>/hebergement/recours/nouveau/",
        views.recourse_create,
        name="recourse_create",
    ),
    path("recours/<int:pk>/", views.recourse_edit, name="recourse_edit"),
]
