"""What the french part adds to the registries of beneficiaries: the person's timeline
(beneficiaries.timeline) and the summary at the top of the person's and household's pages
(beneficiaries.summary)."""


def register_sources() -> None:
    """Called by AccompanimentConfig.ready()."""
