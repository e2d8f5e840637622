"""Names, words and the weights of every random choice the generators make.

Change a weight and the data set changes for everyone: the benchmarks' figures depend on it.
"""

from consultations.models import ConsultationRequest
from directory.models import Consultant
from directory.vocabularies import (
    ClosureReason,
    Concern,
    ContactActivity,
    FocusType,
    Modality,
    SettingType,
)

Status = Consultant.ListingStatus
RequestStatus = ConsultationRequest.Status

# --- directory -----------------------------------------------------------------------------

# Consultant 1 and 2 belong to the demo consultant logins; 1..5 cover every listing status.
FIRST_STATUSES = {
    1: Status.APPROVED,
    2: Status.PENDING,
    3: Status.DRAFT,
    4: Status.REJECTED,
    5: Status.SUSPENDED,
}
STATUS_WEIGHTS = {
    Status.APPROVED: 74,
    Status.PENDING: 9,
    Status.DRAFT: 6,
    Status.REJECTED: 6,
    Status.SUSPENDED: 5,
}
REJECTION_REASONS = (
    "Please add your license number and the counties you can travel to.",
    "Your bio does not yet describe your infant and early childhood mental health training.",
    "We could not verify your endorsement; please contact the Alliance office.",
)
SUSPENSION_REASONS = (
    "On leave until spring; listing hidden at the consultant's request.",
    "License renewal pending verification.",
)

# --- names ---------------------------------------------------------------------------------

FIRST_NAMES = {
    "en": (
        "Emily Sarah Jessica Amanda Megan Rachel Laura Heather Katie Nicole Anna Molly Erin "
        "Beth Kristin Jennifer Michael David Mark Daniel Tom Lisa Karen Julie Amy Grace"
    ).split(),
    "es": (
        "María Ana Lucía Carmen Rosa Gabriela Isabel Sofía Elena Verónica Alejandra Daniela "
        "José Luis Carlos Miguel Juan Alejandro"
    ).split(),
    "hmn": "Mai Pa Kia Yer Nou Bao Chia Der Pang Youa Tou Fue Cher Lue Kou".split(),
    "so": "Amina Hodan Fadumo Hawa Ayaan Sahra Ifrah Mohamed Abdi Ahmed".split(),
    "ar": "Layla Noor Rania Yasmin Omar Khaled".split(),
}
LAST_NAMES = {
    "en": (
        "Anderson Johnson Olson Nelson Schmidt Miller Larson Peterson Meyer Schultz Hansen "
        "Wagner Becker Klein Thompson Brown Jensen Hoffmann Koch Lawrence Walker Wilson Baker "
        "Martin Clark Lewis Wood Carlson Erickson Kowalski Nowak Zielinski"
    ).split(),
    "es": (
        "García Hernández López Martínez González Rodríguez Pérez Sánchez Ramírez Torres "
        "Flores Rivera Gómez Díaz Morales Ortiz Castillo Vargas"
    ).split(),
    "hmn": "Vang Xiong Yang Lee Thao Her Moua Lor Vue Chang Khang Hang".split(),
    "so": "Ali Hassan Mohamed Abdi Farah Ahmed Omar Yusuf Warsame".split(),
    "ar": "Haddad Khalil Nasser Saleh Mansour".split(),
}
# Language communities of consultants: (weight, first-name pool, languages spoken).
CONSULTANT_COMMUNITIES = (
    (66, "en", ("en",)),
    (18, "es", ("en", "es")),
    (8, "hmn", ("en", "hmn")),
    (3, "so", ("en", "so")),
    (2, "ar", ("en", "ar")),
    (3, "en", ("en", "ase")),
)

CENTER_WORDS = (
    "Little Sprouts|Busy Bees|Bright Beginnings|Kids Kingdom|Tiny Treasures|Rainbow|Sunshine|"
    "Growing Minds|Acorn|Butterfly|Little Explorers|Discovery|Kinder Haus|Wonder Years|"
    "Creative Kids|Small Wonders|Happy Hearts|Little Lambs|Stepping Stones|Building Blocks|"
    "Apple Tree|Prairie|Lakeshore|North Woods|Cherry Blossom|Cornerstone|Harbor|Meadowbrook"
).split("|")
CENTER_KINDS = (
    "Child Care Center",
    "Learning Center",
    "Early Learning Academy",
    "Child Development Center",
    "Early Education Center",
    "Preschool & Child Care",
)
STREET_NAMES = (
    "Main|Oak|Maple|Elm|Park|Lake|Church|Washington|Lincoln|Madison|Jefferson|Mill|River|"
    "Highland|Cedar|Pine|Walnut|Center|School|Spring|Prospect|Grand|Wisconsin|Commerce"
).split("|")
STREET_KINDS = ("St", "Ave", "Rd", "Dr", "Ln", "Blvd", "Way")
AREA_CODES = {"WI": ("262", "414", "608", "715", "920", "534", "274")}

# Programs: (weight, setting type, enrollment range, ages served choices).
PROGRAM_SETTINGS = (
    (40, SettingType.CHILD_CARE_CENTER, (24, 180)),
    (28, SettingType.FAMILY_CHILD_CARE, (4, 12)),
    (10, SettingType.HEAD_START, (30, 220)),
    (8, SettingType.PUBLIC_PRESCHOOL, (20, 160)),
    (8, SettingType.HOME_VISITING, (15, 120)),
    (5, SettingType.HEALTH_CLINIC, (200, 3000)),
    (1, SettingType.OTHER, (10, 60)),
)
# Counties with large Hmong, Somali and Spanish-speaking communities in Wisconsin.
HMONG_COUNTIES = {"Marathon", "Eau Claire", "La Crosse", "Outagamie", "Sheboygan", "Milwaukee"}
SOMALI_COUNTIES = {"Barron", "Dane", "Milwaukee", "Brown"}

CONSULTANT_MODALITIES = (
    (60, [Modality.ON_SITE, Modality.VIRTUAL]),
    (30, [Modality.ON_SITE]),
    (10, [Modality.VIRTUAL]),
)
TRAVEL_RADII = (15, 20, 25, 30, 40, 50, 60, 75)
# In the order of the vocabularies' values.
LICENSE_TYPE_WEIGHTS = (30, 30, 12, 8, 8, 4, 8)
ENDORSEMENT_WEIGHTS = (25, 15, 25, 28, 7)
MAX_CASELOADS = (6, 8, 10, 12, 12, 15, 20)

BIO_OPENINGS = (
    "I have worked alongside infant and toddler teachers for {years} years.",
    "A former preschool teacher, I have been an early childhood mental health consultant for "
    "{years} years.",
    "For {years} years I have supported child care providers and home visitors in {place}.",
    "I came to infant mental health through {years} years of home visiting with young families.",
)
BIO_APPROACHES = (
    "My approach is relationship-based: I observe, listen, and plan next steps with the "
    "adults who know the children best.",
    "I use reflective consultation to help staff understand what a child's behavior is saying.",
    "I focus on practical classroom strategies that prevent suspension and expulsion.",
    "I work with programs on the Pyramid Model and on calm, predictable routines.",
    "I help teams care for themselves so they can care for the children.",
)


# --- consultation requests -----------------------------------------------------------------

# The first requests tell the demo's story on the demo logins' programs and listing.
FIRST_REQUESTS = (
    (1, RequestStatus.SUBMITTED),
    (1, RequestStatus.OFFERED),
    (2, RequestStatus.ACTIVE),
    (1, RequestStatus.CLOSED),
    (2, RequestStatus.WITHDRAWN),
    (2, RequestStatus.SUBMITTED),
)
STATUS_MIX = (
    (34, RequestStatus.SUBMITTED),
    (12, RequestStatus.OFFERED),
    (26, RequestStatus.ACTIVE),
    (22, RequestStatus.CLOSED),
    (6, RequestStatus.WITHDRAWN),
)
FOCUS_MIX = (
    (38, FocusType.CHILD),
    (44, FocusType.CLASSROOM),
    (13, FocusType.PROGRAM),
    (5, FocusType.COMMUNITY),
)
CONCERN_MIX = {
    FocusType.CHILD: (
        (30, Concern.CHALLENGING_BEHAVIOR),
        (14, Concern.SUSPENSION_EXPULSION_RISK),
        (10, Concern.TRAUMA_EXPOSURE),
        (10, Concern.SEPARATION_ATTACHMENT),
        (10, Concern.DEVELOPMENTAL_CONCERN),
        (10, Concern.FAMILY_STRESS),
        (8, Concern.SOCIAL_EMOTIONAL_SKILLS),
        (8, Concern.TRANSITIONS),
    ),
    FocusType.CLASSROOM: (
        (30, Concern.CHALLENGING_BEHAVIOR),
        (20, Concern.CLASSROOM_CLIMATE),
        (20, Concern.SOCIAL_EMOTIONAL_SKILLS),
        (15, Concern.TRANSITIONS),
        (15, Concern.STAFF_STRESS),
    ),
    FocusType.PROGRAM: (
        (35, Concern.STAFF_STRESS),
        (25, Concern.CLASSROOM_CLIMATE),
        (20, Concern.CAREGIVER_MENTAL_HEALTH),
        (20, Concern.SOCIAL_EMOTIONAL_SKILLS),
    ),
    FocusType.COMMUNITY: (
        (40, Concern.SUSPENSION_EXPULSION_RISK),
        (30, Concern.STAFF_STRESS),
        (30, Concern.FAMILY_STRESS),
    ),
}
DESCRIPTIONS = {
    FocusType.CHILD: (
        "A {age}-month-old in our toddler room hits and bites during transitions; staff are "
        "worn out and the family is worried.",
        "A child of {age} months cries for most of the morning since starting with us and "
        "cannot settle at nap time.",
        "A {age}-month-old throws toys and runs from the group; we have had to call the "
        "parent to pick up early several times.",
    ),
    FocusType.CLASSROOM: (
        "Our infant room has two new teachers and the afternoons feel chaotic.",
        "The preschool room has frequent conflicts at free play; we would like help with "
        "routines and coaching for the teaching team.",
        "Since a staffing change the toddler group struggles with transitions to outdoors.",
    ),
    FocusType.PROGRAM: (
        "Staff turnover has been high this year and morale is low; we want to support our team.",
        "We want to build a whole-program approach to social-emotional learning.",
    ),
    FocusType.COMMUNITY: (
        "Our county's early childhood coalition wants a shared plan to end suspensions and "
        "expulsions across its programs.",
        "Several family child care homes in our area want to meet together about staff stress.",
    ),
}
REQUEST_MODALITIES = (
    (60, ConsultationRequest.RequestModality.EITHER),
    (30, ConsultationRequest.RequestModality.ON_SITE),
    (10, ConsultationRequest.RequestModality.VIRTUAL),
)
CONTACT_MINUTES = (30, 45, 60, 60, 90, 120)
CONTACT_ACTIVITIES = (  # every activity appears (docs/domain.md, "Contacts by activity")
    (18, ContactActivity.CLASSROOM_OBSERVATION),
    (15, ContactActivity.CLASSROOM_COACHING),
    (22, ContactActivity.STAFF_MEETING),
    (12, ContactActivity.FAMILY_MEETING),
    (10, ContactActivity.REFLECTIVE_CONSULTATION),
    (8, ContactActivity.TRAINING),
    (7, ContactActivity.PLANNING),
    (8, ContactActivity.PHONE_OR_EMAIL),
)
DECLINE_REASONS = (
    "My caseload is full until next month.",
    "The program is beyond my travel area.",
    "I do not speak the family's language.",
)
WITHDRAW_REASONS = (
    "We found support through our county's Birth to 3 program.",
    "The child has left our program.",
    "The situation has settled; we will ask again if needed.",
)
CLOSE_OUTCOMES = (
    (55, ClosureReason.GOALS_MET, True),
    (15, ClosureReason.PROGRAM_ENDED, None),
    (10, ClosureReason.CHILD_LEFT_PROGRAM, None),
    (8, ClosureReason.REFERRED_ELSEWHERE, False),
    (7, ClosureReason.NO_RESPONSE, False),
    (5, ClosureReason.FAMILY_DECLINED, False),
)
