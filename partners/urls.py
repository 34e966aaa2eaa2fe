from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("partages/", views.portal, name="portal"),
    path("personnes/<int:pk>/consentements/", views.consents, name="consents"),
    path("consentements/<int:pk>/retrait/", views.consent_withdraw, name="consent_withdraw"),
    path("consentements/<int:pk>/preuve/", views.consent_proof, name="consent_proof"),
]
