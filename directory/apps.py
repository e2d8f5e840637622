from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self):
        from django.db.backends.signals import connection_created

        from directory import listing_version
        from directory.search import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="directory_sqlite_fold")
        listing_version.connect()
