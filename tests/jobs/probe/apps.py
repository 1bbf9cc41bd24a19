from django.apps import AppConfig


class ProbeConfig(AppConfig):
    name = "tests.jobs.probe"
    label = "jobs_probe"

    def ready(self):
        from tests.jobs.probe.kinds import register

        register()
