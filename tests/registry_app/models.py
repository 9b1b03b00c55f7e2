from django.db import models


class Stamp(models.Model):
    """A stamp put on a dossier's cover: the model behind the registered permission."""

    dossier = models.ForeignKey("customers.Dossier", on_delete=models.CASCADE)

    class Meta:
        permissions = [("put_stamp", "Can put a stamp on a dossier")]

    def __str__(self):
        return f"Stamp on {self.dossier_id}"
