from django.urls import path

from beneficiaries import views, views_audit, views_duplicates, views_sites

app_name = "beneficiaries"

urlpatterns = [
    path("personnes/", views.person_list, name="person_list"),
    path("personnes/nouvelle/", views.person_create, name="person_create"),
    path("personnes/doublons/", views_duplicates.duplicates, name="duplicates"),
    path("personnes/doublons-probables/", views_duplicates.merge_queue, name="merge_queue"),
    path(
        "personnes/doublons-probables/recherche/",
        views_duplicates.duplicate_scan,
        name="duplicate_scan",
    ),
    path("personnes/<int:pk>/fusion/", views_duplicates.merge, name="merge"),
    path(
        "personnes/<int:pk>/deux-personnes/",
        views_duplicates.distinct_pair,
        name="distinct_pair",
    ),
    path("personnes/<int:pk>/", views.person_detail, name="person_detail"),
    path("personnes/<int:pk>/modifier/", views.person_edit, name="person_edit"),
    path("personnes/<int:pk>/historique/", views.person_timeline, name="person_timeline"),
    path("personnes/<int:pk>/acces/", views_audit.person_access_log, name="person_access_log"),
    path("menages/nouveau/", views.household_create, name="household_create"),
    path("menages/<int:pk>/", views.household_detail, name="household_detail"),
    path("menages/<int:pk>/modifier/", views.household_edit, name="household_edit"),
    path("menages/<int:pk>/historique/", views.household_timeline, name="household_timeline"),
    path("sites/", views_sites.site_list, name="site_list"),
    path("sites/carte/", views_sites.site_map, name="site_map"),
    path("sites/nouveau/", views_sites.site_create, name="site_create"),
    path("sites/<int:pk>/", views_sites.site_detail, name="site_detail"),
    path("sites/<int:pk>/modifier/", views_sites.site_edit, name="site_edit"),
    path(
        "sites/<int:pk>/population/",
        views_sites.site_population_add,
        name="site_population_add",
    ),
    path("sites/<int:pk>/conditions/", views_sites.site_conditions, name="site_conditions"),
    path("sites/<int:pk>/procedure/", views_sites.site_legal, name="site_legal"),
]
