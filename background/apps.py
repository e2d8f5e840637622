from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = "Background work"

    def ready(self):
        # Every app's tasks.py registers its tasks and periodic jobs (background.periodic).
        autodiscover_modules("tasks")
