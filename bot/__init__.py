"""Platform-neutral coaching core: content, questionnaire, FAQ matcher, sessions and service."""

__version__ = "0.1.0"
