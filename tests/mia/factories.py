import factory
from allauth.account.models import EmailAddress

from mia.models import Organisation, OrganisationKind, Role, User

PASSWORD = "test-password-mia-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Association {n}")
    kind = OrganisationKind.OPERATOR


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@test.mia")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIAL_WORKER
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_address(user, create, extracted, **kwargs):
        # As every real account has (mia.services.user_invite, migration 0006): its login
        # address, verified; allauth stops a sign-in without one until a code is typed back.
        if create:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
