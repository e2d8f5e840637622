# Consultation requests, offers, contacts and outcomes arrive with issue 3.
