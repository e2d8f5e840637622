"""The controlled vocabularies of the domain (docs/domain.md), as stable codes with labels.

Every vocabulary of the service lives here, including those only consultation requests use,
so the API's /vocabularies/ endpoint, the forms and matching read one source. Codes never
change once published; labels may. Labels are translated (gettext_lazy): wherever one leaves
for JSON or a database column, it is made a str in the active language first.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SettingType(models.TextChoices):
    CHILD_CARE_CENTER = "child_care_center", _("Licensed child care center")
    FAMILY_CHILD_CARE = "family_child_care", _("Family child care home")
    HEAD_START = "head_start", _("Head Start / Early Head Start")
    PUBLIC_PRESCHOOL = "public_preschool", _("Public 4K / preschool")
    HOME_VISITING = "home_visiting", _("Home visiting program")
    HEALTH_CLINIC = "health_clinic", _("Pediatric or family medicine clinic")
    OTHER = "other", _("Other early childhood setting")


class AgeGroup(models.TextChoices):
    INFANT = "infant", _("Infants (0–12 months)")
    TODDLER = "toddler", _("Toddlers (12–36 months)")
    PRESCHOOL = "preschool", _("Preschoolers (3–5 years)")
    SCHOOL_AGE = "school_age", _("School age")


class FocusType(models.TextChoices):
    CHILD = "child", _("One child (with a parent's consent)")
    CLASSROOM = "classroom", _("A classroom or group")
    PROGRAM = "program", _("The whole program")
    COMMUNITY = "community", _("A community: a coalition or several programs")


class Concern(models.TextChoices):
    CHALLENGING_BEHAVIOR = "challenging_behavior", _("Challenging behavior")
    SUSPENSION_EXPULSION_RISK = "suspension_expulsion_risk", _("Risk of suspension or expulsion")
    TRAUMA_EXPOSURE = "trauma_exposure", _("Exposure to trauma")
    SEPARATION_ATTACHMENT = "separation_attachment", _("Separation and attachment")
    SOCIAL_EMOTIONAL_SKILLS = "social_emotional_skills", _("Social-emotional skills")
    DEVELOPMENTAL_CONCERN = "developmental_concern", _("Developmental concern")
    FAMILY_STRESS = "family_stress", _("Family stress")
    CAREGIVER_MENTAL_HEALTH = "caregiver_mental_health", _("Caregiver mental health")
    STAFF_STRESS = "staff_stress", _("Staff stress and burnout")
    CLASSROOM_CLIMATE = "classroom_climate", _("Classroom climate")
    TRANSITIONS = "transitions", _("Transitions")


class Specialty(models.TextChoices):
    CHALLENGING_BEHAVIOR = "challenging_behavior", _("Challenging behavior")
    TRAUMA_INFORMED_CARE = "trauma_informed_care", _("Trauma-informed care")
    ATTACHMENT_RELATIONSHIPS = "attachment_relationships", _("Attachment and relationships")
    SOCIAL_EMOTIONAL_DEVELOPMENT = "social_emotional_development", _("Social-emotional development")
    DEVELOPMENTAL_DISABILITIES = "developmental_disabilities", _("Developmental disabilities")
    FAMILY_ENGAGEMENT = "family_engagement", _("Family engagement")
    CAREGIVER_MENTAL_HEALTH = "caregiver_mental_health", _("Caregiver mental health")
    REFLECTIVE_PRACTICE = "reflective_practice", _("Reflective practice")
    STAFF_WELLBEING = "staff_wellbeing", _("Staff wellbeing")
    CLASSROOM_PRACTICES = "classroom_practices", _("Classroom practices")
    CULTURAL_RESPONSIVENESS = "cultural_responsiveness", _("Cultural responsiveness")


class Modality(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    VIRTUAL = "virtual", _("Virtual")


class LicenseType(models.TextChoices):
    LCSW = "lcsw", _("Licensed clinical social worker (LCSW)")
    LPC = "lpc", _("Licensed professional counselor (LPC)")
    LMFT = "lmft", _("Licensed marriage and family therapist (LMFT)")
    PSYCHOLOGIST = "psychologist", _("Licensed psychologist")
    COUNSELOR_IN_TRAINING = "counselor_in_training", _("Counselor in training")
    OTHER = "other", _("Other license")
    NONE = "none", _("No clinical license")


class ProgramLicenseType(models.TextChoices):
    """How the state regulates a child care program (its licensing list's categories)."""

    GROUP_CENTER = "group_center", "Licensed group child care center"
    FAMILY = "family", "Licensed family child care"
    CERTIFIED_FAMILY = "certified_family", "Certified family child care"
    DAY_CAMP = "day_camp", "Licensed day camp"
    SCHOOL_AGE = "school_age", "School-age program"
    OTHER = "other", "Other regulated program"


class Endorsement(models.TextChoices):
    """The ten IMH-E® (infancy, 0-3) and ECMH-E® (early childhood, 3-6) endorsement categories.
    They are not a ladder: each names a kind of work, none outranks another ("none" is the
    empty choice of a filter). ENDORSEMENT_AGES says which ages each covers."""

    NONE = "none", _("No endorsement")
    INFANT_FAMILY_ASSOCIATE = "infant_family_associate", _("Infant Family Associate")
    INFANT_FAMILY_SPECIALIST = "infant_family_specialist", _("Infant Family Specialist")
    INFANT_FAMILY_REFLECTIVE_SUPERVISOR = (
        "infant_family_reflective_supervisor",
        _("Infant Family Reflective Supervisor"),
    )
    INFANT_MENTAL_HEALTH_SPECIALIST = (
        "infant_mental_health_specialist",
        _("Infant Mental Health Specialist"),
    )
    INFANT_MENTAL_HEALTH_MENTOR = "infant_mental_health_mentor", _("Infant Mental Health Mentor")
    EARLY_CHILDHOOD_FAMILY_ASSOCIATE = (
        "early_childhood_family_associate",
        _("Early Childhood Family Associate"),
    )
    EARLY_CHILDHOOD_FAMILY_SPECIALIST = (
        "early_childhood_family_specialist",
        _("Early Childhood Family Specialist"),
    )
    EARLY_CHILDHOOD_FAMILY_REFLECTIVE_SUPERVISOR = (
        "early_childhood_family_reflective_supervisor",
        _("Early Childhood Family Reflective Supervisor"),
    )
    EARLY_CHILDHOOD_MENTAL_HEALTH_SPECIALIST = (
        "early_childhood_mental_health_specialist",
        _("Early Childhood Mental Health Specialist"),
    )
    EARLY_CHILDHOOD_MENTAL_HEALTH_MENTOR = (
        "early_childhood_mental_health_mentor",
        _("Early Childhood Mental Health Mentor"),
    )


class EndorsementStatus(models.TextChoices):
    IN_PROCESS = "in_process", _("In process")
    ENDORSED = "endorsed", _("Endorsed")


# The ages an endorsement covers: "0_3" (IMH-E®, infancy) or "3_6" (ECMH-E®, early childhood).
AGES_0_3, AGES_3_6 = "0_3", "3_6"
ENDORSEMENT_AGES: dict[str, str] = {
    code: AGES_0_3 if code.startswith("infant_") else AGES_3_6
    for code in Endorsement.values
    if code != Endorsement.NONE
}
# The categories whose yearly renewal also needs reflective supervision/consultation hours:
# specialists, reflective supervisors and mentors (associates need training hours only).
ENDORSEMENTS_NEEDING_RSC = frozenset(
    code for code in ENDORSEMENT_AGES if not code.endswith("_family_associate")
)
# The ages each age group of a program concerns (school age: neither).
AGE_GROUP_AGES: dict[str, str] = {"infant": AGES_0_3, "toddler": AGES_0_3, "preschool": AGES_3_6}


class LedgerKind(models.TextChoices):
    """What a consultant logs towards endorsement renewal (directory.ledger)."""

    RSC = "rsc", _("Reflective supervision or consultation")
    TRAINING = "training", _("Training")


class SupervisionFormat(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class ContactType(models.TextChoices):
    OBSERVATION = "observation", _("Observation")
    STAFF_CONSULTATION = "staff_consultation", _("Consultation with staff")
    FAMILY_CONSULTATION = "family_consultation", _("Consultation with family")
    REFLECTIVE_CONSULTATION = "reflective_consultation", _("Reflective consultation")
    TRAINING = "training", _("Training")
    PLANNING = "planning", _("Planning")
    OTHER = "other", _("Other")


class ContactActivity(models.TextChoices):
    """What a contact's time went into (docs/domain.md, "Contacts by activity")."""

    CLASSROOM_OBSERVATION = "classroom_observation", _("Classroom observation")
    CLASSROOM_COACHING = "classroom_coaching", _("Coaching or modelling in the classroom")
    STAFF_MEETING = "staff_meeting", _("Meeting with staff")
    FAMILY_MEETING = "family_meeting", _("Meeting with a family")
    REFLECTIVE_CONSULTATION = "reflective_consultation", _("Reflective consultation")
    TRAINING = "training", _("Training")
    PLANNING = "planning", _("Planning")
    PHONE_OR_EMAIL = "phone_or_email", _("Phone call or email")


class ReferralSource(models.TextChoices):
    """Who brought a request to the Alliance (docs/domain.md, "Front door")."""

    PROGRAM_STAFF = "program_staff", _("The program's own staff")
    FAMILY = "family", _("A family")
    HOME_VISITOR = "home_visitor", _("A home visitor")
    HELP_ME_GROW = "help_me_grow", _("Help Me Grow")
    BIRTH_TO_3 = "birth_to_3", _("Birth to 3")
    TWO_ONE_ONE = "two_one_one", _("2-1-1")
    HEAD_START = "head_start", _("Head Start")
    ALLIANCE_PHONE = "alliance_phone", _("A phone call to the Alliance")
    OTHER = "other", _("Other")


class EngagementPhase(models.TextChoices):
    """Where an engagement stands; the consultant moves it on (docs/domain.md)."""

    INITIATION = "initiation", _("Initiation")
    EXPLORATION = "exploration", _("Exploration")
    PLANNING = "planning", _("Planning")
    IMPLEMENTATION = "implementation", _("Implementation")
    TRANSITION = "transition", _("Transition")


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", _("Goals met")
    PROGRAM_ENDED = "program_ended", _("Program ended the consultation")
    CHILD_LEFT_PROGRAM = "child_left_program", _("Child left the program")
    FAMILY_DECLINED = "family_declined", _("Family declined")
    NO_RESPONSE = "no_response", _("No response from the program")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred elsewhere")
    CONSULTANT_UNAVAILABLE = "consultant_unavailable", _("Consultant unavailable")
    OTHER = "other", _("Other")


class TribalNation(models.TextChoices):
    """Wisconsin's 11 federally recognised tribal nations, by their official names (docs/domain.md,
    "Tribal nations"). A nation's data appears in reports only as its data steward allows
    (directory.tribal.TribalDataSetting)."""

    BAD_RIVER = "bad_river", _("Bad River Band of Lake Superior Chippewa")
    FOREST_COUNTY_POTAWATOMI = "forest_county_potawatomi", _("Forest County Potawatomi")
    HO_CHUNK = "ho_chunk", _("Ho-Chunk Nation")
    LAC_COURTE_OREILLES = (
        "lac_courte_oreilles",
        _("Lac Courte Oreilles Band of Lake Superior Chippewa"),
    )
    LAC_DU_FLAMBEAU = "lac_du_flambeau", _("Lac du Flambeau Band of Lake Superior Chippewa")
    MENOMINEE = "menominee", _("Menominee Indian Tribe of Wisconsin")
    ONEIDA = "oneida", _("Oneida Nation")
    RED_CLIFF = "red_cliff", _("Red Cliff Band of Lake Superior Chippewa")
    SOKAOGON = "sokaogon", _("Sokaogon Chippewa Community (Mole Lake)")
    ST_CROIX = "st_croix", _("St. Croix Chippewa Indians of Wisconsin")
    STOCKBRIDGE_MUNSEE = "stockbridge_munsee", _("Stockbridge-Munsee Community")


class RaceEthnicity(models.TextChoices):
    """The race and ethnicity categories of OMB SPD 15 (2024 revision); a child may have several.
    Recorded only on a child-focused request whose parent consented (docs/domain.md, "Equity")."""

    AMERICAN_INDIAN_ALASKA_NATIVE = (
        "american_indian_alaska_native",
        _("American Indian or Alaska Native"),
    )
    ASIAN = "asian", _("Asian")
    BLACK = "black", _("Black or African American")
    HISPANIC_LATINO = "hispanic_latino", _("Hispanic or Latino")
    MIDDLE_EASTERN_NORTH_AFRICAN = (
        "middle_eastern_north_african",
        _("Middle Eastern or North African"),
    )
    NATIVE_HAWAIIAN_PACIFIC_ISLANDER = (
        "native_hawaiian_pacific_islander",
        _("Native Hawaiian or Other Pacific Islander"),
    )
    WHITE = "white", _("White")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


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
    "endorsement_statuses": EndorsementStatus,
    "closure_reasons": ClosureReason,
    "contact_types": ContactType,
    "contact_activities": ContactActivity,
    "referral_sources": ReferralSource,
    "engagement_phases": EngagementPhase,
    "tribal_nations": TribalNation,
    "race_ethnicity": RaceEthnicity,
    "yes_no_unknown": YesNoUnknown,
}


# Each language's name in itself, shown wherever a reader picks or reads a language (the
# directory's filter, the forms, the listings), so a Spanish speaker finds "Español" whatever
# the page's language. Keyed by Language.code; a language without one here shows its stored
# (English) name: American Sign Language has no written name of its own, and the names of
# Wisconsin's tribal languages wait for the nations' own spelling.
LANGUAGE_ENDONYMS: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "hmn": "Hmoob",
    "so": "Soomaali",
    "ar": "العربية",
    "zh": "中文",
    "ru": "Русский",
    "vi": "Tiếng Việt",
    "fr": "Français",
    "de": "Deutsch",
    "pl": "Polski",
    "uk": "Українська",
    "pt": "Português",
    "ht": "Kreyòl ayisyen",
    "ko": "한국어",
    "tl": "Tagalog",
    "hi": "हिन्दी",
    "ur": "اردو",
    "bn": "বাংলা",
    "ne": "नेपाली",
    "my": "မြန်မာ",
    "lo": "ລາວ",
    "km": "ខ្មែរ",
    "th": "ไทย",
    "ja": "日本語",
    "fa": "فارسی",
    "ps": "پښتو",
    "prs": "دری",
    "sw": "Kiswahili",
    "am": "አማርኛ",
    "ti": "ትግርኛ",
    "om": "Afaan Oromoo",
    "rw": "Ikinyarwanda",
    "bs": "Bosanski",
    "sq": "Shqip",
    "it": "Italiano",
    "el": "Ελληνικά",
    "tr": "Türkçe",
    "ojb": "Anishinaabemowin",
    "nv": "Diné bizaad",
}


def language_name(code: str, name: str) -> str:
    """How a language is shown: its own name (LANGUAGE_ENDONYMS), else the stored `name`."""
    return LANGUAGE_ENDONYMS.get(code, name)
