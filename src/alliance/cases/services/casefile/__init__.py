"""Every write to the case file (tasks, notes, documents, support plan and services); all need case.edit on
the case: the actor's organisation owns it or holds an accepted full share."""

from alliance.cases.services.casefile.documents import document_get_content, document_upload
from alliance.cases.services.casefile.notes import note_add
from alliance.cases.services.casefile.support import support_plan_save, support_service_add, support_service_update
from alliance.cases.services.casefile.tasks import task_complete, task_create, task_update

__all__ = ["document_get_content", "document_upload", "note_add", "support_plan_save", "support_service_add",
           "support_service_update", "task_complete", "task_create", "task_update"]
