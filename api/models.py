"""Imports every model module so Base.metadata knows every table (Alembic, tests)."""

from api.homework import models as homework_models
from api.practice import models as practice_models
from api.therapists import models as therapist_models

__all__ = ["homework_models", "practice_models", "therapist_models"]
