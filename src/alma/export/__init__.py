"""Exports: a stack written for the tools teams already run — Terraform (``terraform``) and Docker Compose
(``compose``). Pure: the export service reads the record and the engines and hands ``Recorded`` resources
in; what comes out is text, the address each resource got, and notes."""

from alma.export.compose import export_compose
from alma.export.model import Address, Exported, Recorded
from alma.export.terraform import export_terraform

__all__ = ["Address", "Exported", "Recorded", "export_compose", "export_terraform"]
