"""What an import did: counts, rejected records with their reason, errors of the file."""

from dataclasses import dataclass, field


@dataclass
class Rejection:
    position: int  # 1-based rank of the record in the file
    external_id: str
    reason: str

    def __str__(self):
        ref = f"offre {self.external_id}" if self.external_id else "offre sans identifiant"
        return f"n° {self.position} ({ref}) : {self.reason}"


@dataclass
class ImportReport:
    source: str
    full: bool = False
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    # Problems with the file as a whole (malformed JSON…): what came before was imported.
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.read} offre{'s' if self.read > 1 else ''} lue{'s' if self.read > 1 else ''} : "
            f"{self.created} créée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s), {self.closed} close(s), "
            f"{len(self.rejected)} rejetée(s)."
        )

    def lines(self) -> list[str]:
        """The whole report, in French, one line per fact: for the command and the admin."""
        lines = [self.summary()]
        lines += [f"Erreur : {error}" for error in self.errors]
        lines += [f"Rejetée : {rejection}" for rejection in self.rejected]
        return lines
