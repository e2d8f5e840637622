"""The controlled vocabularies of the domain (../shared/DOMAIN.md), as stable codes with labels.

Every vocabulary of the service lives here, including those only consultation requests use,
so the API's /vocabularies/ endpoint, the forms and matching read one source. Codes never
change once published; labels may.
"""

from django.db import models


class SettingType(models.TextChoices):
    CHILD_CARE_CENTER = "child_care_center", "Licensed child care center"
    FAMILY_CHILD_CARE = "family_child_care", "Family child care home"
    HEAD_START = "head_start", "Head Start / Early Head Start"
    PUBLIC_PRESCHOOL = "public_preschool", "Public 4K / preschool"
    HOME_VISITING = "home_visiting", "Home visiting program"
    HEALTH_CLINIC = "health_clinic", "Pediatric or family medicine clinic"
    OTHER = "other", "Other early childhood setting"


class AgeGroup(models.TextChoices):
    INFANT = "infant", "Infants (0–12 months)"
    TODDLER = "toddler", "Toddlers (12–36 months)"
    PRESCHOOL = "preschool", "Preschoolers (3–5 years)"
    SCHOOL_AGE = "school_age", "School age"


class FocusType(models.TextChoices):
    CHILD = "child", "One child (with a parent's consent)"
    CLASSROOM = "classroom", "A classroom or group"
    PROGRAM = "program", "The whole program"


class Concern(models.TextChoices):
    CHALLENGING_BEHAVIOR = "challenging_behavior", "Challenging behavior"
    SUSPENSION_EXPULSION_RISK = "suspension_expulsion_risk", "Risk of suspension or expulsion"
    TRAUMA_EXPOSURE = "trauma_exposure", "Exposure to trauma"
    SEPARATION_ATTACHMENT = "separation_attachment", "Separation and attachment"
    SOCIAL_EMOTIONAL_SKILLS = "social_emotional_skills", "Social-emotional skills"
    DEVELOPMENTAL_CONCERN = "developmental_concern", "Developmental concern"
    FAMILY_STRESS = "family_stress", "Family stress"
    CAREGIVER_MENTAL_HEALTH = "caregiver_mental_health", "Caregiver mental health"
    STAFF_STRESS = "staff_stress", "Staff stress and burnout"
    CLASSROOM_CLIMATE = "classroom_climate", "Classroom climate"
    TRANSITIONS = "transitions", "Transitions"


class Specialty(models.TextChoices):
    CHALLENGING_BEHAVIOR = "challenging_behavior", "Challenging behavior"
    TRAUMA_INFORMED_CARE = "trauma_informed_care", "Trauma-informed care"
    ATTACHMENT_RELATIONSHIPS = "attachment_relationships", "Attachment and relationships"
    SOCIAL_EMOTIONAL_DEVELOPMENT = "social_emotional_development", "Social-emotional development"
    DEVELOPMENTAL_DISABILITIES = "developmental_disabilities", "Developmental disabilities"
    FAMILY_ENGAGEMENT = "family_engagement", "Family engagement"
    CAREGIVER_MENTAL_HEALTH = "caregiver_mental_health", "Caregiver mental health"
    REFLECTIVE_PRACTICE = "reflective_practice", "Reflective practice"
    STAFF_WELLBEING = "staff_wellbeing", "Staff wellbeing"
    CLASSROOM_PRACTICES = "classroom_practices", "Classroom practices"
    CULTURAL_RESPONSIVENESS = "cultural_responsiveness", "Cultural responsiveness"


class Modality(models.TextChoices):
    ON_SITE = "on_site", "On site"
    VIRTUAL = "virtual", "Virtual"


class LicenseType(models.TextChoices):
    LCSW = "lcsw", "Licensed clinical social worker (LCSW)"
    LPC = "lpc", "Licensed professional counselor (LPC)"
    LMFT = "lmft", "Licensed marriage and family therapist (LMFT)"
    PSYCHOLOGIST = "psychologist", "Licensed psychologist"
    COUNSELOR_IN_TRAINING = "counselor_in_training", "Counselor in training"
    OTHER = "other", "Other license"
    NONE = "none", "No clinical license"


class ProgramLicenseType(models.TextChoices):
    """How the state regulates a child care program (its licensing list's categories)."""

    GROUP_CENTER = "group_center", "Licensed group child care center"
    FAMILY = "family", "Licensed family child care"
    CERTIFIED_FAMILY = "certified_family", "Certified family child care"
    DAY_CAMP = "day_camp", "Licensed day camp"
    SCHOOL_AGE = "school_age", "School-age program"
    OTHER = "other", "Other regulated program"


class Endorsement(models.TextChoices):
    """IMH-E® endorsement categories, lowest to highest."""

    NONE = "none", "No endorsement"
    INFANT_FAMILY_ASSOCIATE = "infant_family_associate", "Infant Family Associate"
    INFANT_FAMILY_SPECIALIST = "infant_family_specialist", "Infant Family Specialist"
    INFANT_MENTAL_HEALTH_SPECIALIST = (
        "infant_mental_health_specialist",
        "Infant Mental Health Specialist",
    )
    INFANT_MENTAL_HEALTH_MENTOR = "infant_mental_health_mentor", "Infant Mental Health Mentor"


class ContactType(models.TextChoices):
    OBSERVATION = "observation", "Observation"
    STAFF_CONSULTATION = "staff_consultation", "Consultation with staff"
    FAMILY_CONSULTATION = "family_consultation", "Consultation with family"
    REFLECTIVE_CONSULTATION = "reflective_consultation", "Reflective consultation"
    TRAINING = "training", "Training"
    PLANNING = "planning", "Planning"
    OTHER = "other", "Other"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    PROGRAM_ENDED = "program_ended", "Program ended the consultation"
    CHILD_LEFT_PROGRAM = "child_left_program", "Child left the program"
    FAMILY_DECLINED = "family_declined", "Family declined"
    NO_RESPONSE = "no_response", "No response from the program"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere"
    CONSULTANT_UNAVAILABLE = "consultant_unavailable", "Consultant unavailable"
    OTHER = "other", "Other"


# Which specialties answer each concern. This map drives matching; keep it the only copy.
CONCERN_SPECIALTIES: dict[str, tuple[str, ...]] = {
    Concern.CHALLENGING_BEHAVIOR: (Specialty.CHALLENGING_BEHAVIOR, Specialty.CLASSROOM_PRACTICES),
    Concern.SUSPENSION_EXPULSION_RISK: (
        Specialty.CHALLENGING_BEHAVIOR,
        Specialty.CLASSROOM_PRACTICES,
    ),
    Concern.TRAUMA_EXPOSURE: (Specialty.TRAUMA_INFORMED_CARE,),
    Concern.SEPARATION_ATTACHMENT: (Specialty.ATTACHMENT_RELATIONSHIPS,),
    Concern.SOCIAL_EMOTIONAL_SKILLS: (
        Specialty.SOCIAL_EMOTIONAL_DEVELOPMENT,
        Specialty.CLASSROOM_PRACTICES,
    ),
    Concern.DEVELOPMENTAL_CONCERN: (Specialty.DEVELOPMENTAL_DISABILITIES,),
    Concern.FAMILY_STRESS: (Specialty.FAMILY_ENGAGEMENT,),
    Concern.CAREGIVER_MENTAL_HEALTH: (Specialty.CAREGIVER_MENTAL_HEALTH,),
    Concern.STAFF_STRESS: (Specialty.STAFF_WELLBEING, Specialty.REFLECTIVE_PRACTICE),
    Concern.CLASSROOM_CLIMATE: (Specialty.CLASSROOM_PRACTICES,),
    Concern.TRANSITIONS: (Specialty.CLASSROOM_PRACTICES,),
}

# The vocabularies the API publishes at /api/v1/vocabularies/, by their contract names.
PUBLISHED: dict[str, type[models.TextChoices]] = {
    "setting_types": SettingType,
    "ages_served": AgeGroup,
    "specialties": Specialty,
    "concerns": Concern,
    "modalities": Modality,
    "focus_types": FocusType,
    "license_types": LicenseType,
    "endorsements": Endorsement,
    "closure_reasons": ClosureReason,
    "contact_types": ContactType,
}
