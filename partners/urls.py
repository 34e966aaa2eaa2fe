from django.urls import path

from partners import views, views_documents, views_referrals

app_name = "partners"

urlpatterns = [
    path("partages/", views.portal, name="portal"),
    path("partenaires/", views.organisations, name="organisations"),
    path("personnes/<int:pk>/consentements/", views.consents, name="consents"),
    path("consentements/<int:pk>/retrait/", views.consent_withdraw, name="consent_withdraw"),
    path("consentements/<int:pk>/preuve/", views.consent_proof, name="consent_proof"),
    # Referrals (orientations)
    path(
        "personnes/<int:pk>/orientations/",
        views_referrals.person_referrals,
        name="person_referrals",
    ),
    path("personnes/<int:pk>/orienter/", views_referrals.referral_create, name="referral_create"),
    path("orientations/envoyees/", views_referrals.referrals_sent, name="referrals_sent"),
    path("orientations/recues/", views_referrals.referrals_received, name="referrals_received"),
    path("orientations/<int:pk>/", views_referrals.referral_detail, name="referral_detail"),
    path(
        "orientations/<int:pk>/accepter/",
        views_referrals.referral_accept,
        name="referral_accept",
    ),
    path(
        "orientations/<int:pk>/refuser/",
        views_referrals.referral_decline,
        name="referral_decline",
    ),
    path("orientations/<int:pk>/realisee/", views_referrals.referral_done, name="referral_done"),
    path("orientations/<int:pk>/repondre/", views_referrals.referral_reply, name="referral_reply"),
    path("orientations/<int:pk>/annuler/", views_referrals.referral_cancel, name="referral_cancel"),
    # Documents
    path(
        "personnes/<int:pk>/documents/",
        views_documents.person_documents,
        name="person_documents",
    ),
    path(
        "menages/<int:pk>/documents/",
        views_documents.household_documents,
        name="household_documents",
    ),
    path(
        "documents/<int:pk>/telecharger/",
        views_documents.document_download,
        name="document_download",
    ),
    path(
        "documents/<int:pk>/supprimer/",
        views_documents.document_delete,
        name="document_delete",
    ),
]
