"""The demo data set: realistic, deterministic and idempotent, from a handful of Wisconsin
records to four times national scale. `manage.py seed_demo` runs it.

No application imports this package; it imports the applications' models and fills them
directly, in bulk (see bulk.py for why the services are bypassed).

    logins.py         the four demo accounts with known passwords
    geography.py      the ZIP codes and counties records are placed in
    data.py           names, words and the weights of every random choice
    common.py         one random generator per record, weighted choices, chunks
    bulk.py           fast inserts: COPY on PostgreSQL, executemany elsewhere
    programs.py       child care programs and their directors
    consultants.py    consultants' listings and their review histories
    pools.py          what consultation requests draw from: programs and approved consultants
    consultations.py  consultation requests in every status, their histories and contacts

Every record is generated from its own index and the seed (random.Random(f"{seed}:kind:i")),
so the data set is the same on every machine, a larger run extends a smaller one, and a second
run only fills in what is missing.
"""
