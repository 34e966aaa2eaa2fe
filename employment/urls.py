"""Routes of the employment pathway (included at "" by mia/urls.py)."""

from django.urls import path

from employment import views

app_name = "employment"

urlpatterns = [
    path("emploi/employeurs/", views.employers, name="employers"),
    path("emploi/employeurs/nouveau/", views.employer_create, name="employer_create"),
    path("emploi/employeurs/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("emploi/employeurs/<int:pk>/modifier/", views.employer_edit, name="employer_edit"),
    path("emploi/offres/", views.offers, name="offers"),
    path("emploi/offres/nouvelle/", views.offer_create, name="offer_create"),
    path("emploi/offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("emploi/offres/<int:pk>/modifier/", views.offer_edit, name="offer_edit"),
    path("emploi/offres/<int:pk>/suggestions/", views.offer_suggestions, name="offer_suggestions"),
    path("emploi/offres/<int:pk>/proposer/", views.candidacy_propose, name="candidacy_propose"),
    path("candidatures/<int:pk>/", views.candidacy_status, name="candidacy_status"),
    path("personnes/<int:pk>/emploi/", views.person_employment, name="person_employment"),
    path("personnes/<int:pk>/contrats/nouveau/", views.contract_create, name="contract_create"),
    path("contrats/<int:pk>/", views.contract_edit, name="contract_edit"),
    path("personnes/<int:pk>/formations/nouvelle/", views.training_create, name="training_create"),
    path("formations/<int:pk>/", views.training_edit, name="training_edit"),
    path("personnes/<int:pk>/ateliers/nouveau/", views.workshop_create, name="workshop_create"),
    path("ateliers/<int:pk>/", views.workshop_edit, name="workshop_edit"),
]
