from django.urls import path

from alliance.exercises.views import applications as public_views
from alliance.exercises.views import console, evaluation, roleplayer, run_setup, scenarios, trainee
from alliance.exercises.views import programmes as programme_views
from alliance.exercises.views import reports as report_views

app_name = "exercises"

urlpatterns: list = [
    # Training programmes (issue 10, items 1-3): public calls and applications, then the co-ordinator's pages.
    path("calls/", public_views.calls_public, name="calls_public"),
    path("calls/<int:call_id>/", public_views.call_public, name="call_public"),
    path("apply/<int:call_id>/", public_views.apply, name="apply"),
    path("apply/confirm/<str:token>/", public_views.apply_confirm, name="apply_confirm"),
    path("programmes/", programme_views.programme_list, name="programmes"),
    path("programmes/new/", programme_views.programme_new, name="programme_new"),
    path("programmes/<int:programme_id>/", programme_views.programme_detail, name="programme"),
    path("programmes/<int:programme_id>/editions/new/", programme_views.edition_new, name="edition_new"),
    path("programmes/editions/<int:edition_id>/call/", programme_views.call_edit, name="call_edit"),
    path("programmes/calls/<int:call_id>/publish/", programme_views.call_publish_toggle, name="call_publish"),
    path("programmes/<int:programme_id>/report/", report_views.programme_report, name="report"),
    path("programmes/<int:programme_id>/report.pdf", report_views.programme_report_pdf, name="report_pdf"),
    path("programmes/<int:programme_id>/report.csv", report_views.programme_report_csv, name="report_csv"),
    path("programmes/calls/<int:call_id>/applicants/", programme_views.applicant_list, name="applicants"),
    path("programmes/calls/<int:call_id>/select/", programme_views.call_select, name="select"),
    path("programmes/calls/<int:call_id>/notify/", programme_views.call_notify, name="notify"),
    path("programmes/applicants/<int:applicant_id>/", programme_views.applicant_detail, name="applicant"),
    # Scenario packages (item 4): the co-ordinator's list, preview, editors and downloads.
    path("scenarios/", scenarios.scenario_list, name="scenarios"),
    path("scenarios/upload/", scenarios.scenario_upload, name="scenario_upload"),
    path("scenarios/<slug:slug>/<str:version>/", scenarios.scenario_detail, name="scenario"),
    path("scenarios/<slug:slug>/<str:version>/download/", scenarios.scenario_download, name="scenario_download"),
    path("scenarios/<slug:slug>/<str:version>/evidence/<path:path>", scenarios.scenario_evidence,
         name="scenario_evidence"),
    path("scenarios/<slug:slug>/<str:version>/msel/", scenarios.scenario_msel_edit, name="scenario_msel_edit"),
    path("scenarios/<slug:slug>/<str:version>/edit/<str:file>/", scenarios.scenario_file_edit,
         name="scenario_file_edit"),
    # Evaluation (item 6): the controllers' board, observers' ratings, the decision log, the debrief.
    path("evaluation/board/", evaluation.board, name="evaluation_board"),
    path("evaluation/board/rows/", evaluation.board_rows, name="evaluation_board_rows"),
    path("evaluation/rate/", evaluation.rate, name="evaluation_rate"),
    path("evaluation/log/", evaluation.log_add, name="evaluation_log"),
    path("evaluation/debrief/", evaluation.debrief, name="evaluation_debrief"),
    path("evaluation/debrief/pdf/", evaluation.debrief_pdf, name="evaluation_debrief_pdf"),
    # Exercise runs (items 5 and 8): the control console, the trainee's inbox, the role-player's card.
    # Exercise runs (issue 10): the console for exercise control, the inbox for trainees in a sandbox.
    path("runs/", console.run_list, name="run_list"),
    path("runs/<int:run_id>/", console.console, name="run_console"),
    path("runs/<int:run_id>/clock/<slug:verb>", console.clock, name="run_clock"),
    path("runs/<int:run_id>/release", console.release, name="run_release"),
    path("runs/<int:run_id>/roleplayer", roleplayer.roleplayer, name="run_roleplayer"),
    path("runs/inbox/", trainee.inbox, name="run_inbox"),
    path("runs/inbox/poll", trainee.inbox_poll, name="run_inbox_poll"),
    path("runs/inbox/<int:release_id>/read", trainee.inbox_read, name="run_inbox_read"),
    path("runs/inbox/<int:release_id>/evidence/<path:path>", trainee.inbox_evidence, name="run_inbox_evidence"),
    # Setting up a run (issue 10, item 5): the new-run form, the creation job's progress, staff and teams.
    path("runs/new/", run_setup.run_new, name="run_new"),
    path("runs/setup/<int:job_id>/", run_setup.run_setup_progress, name="run_setup_progress"),
    path("runs/<int:run_id>/people/", run_setup.run_people, name="run_people"),
    path("runs/<int:run_id>/people/<slug:what>", run_setup.run_people_change, name="run_people_change"),
]

# After the exercise (item 7): the after-action report, its improvement plan, attendance, certificates; the
# trainee's feedback form and certificate (exercises/views/after_action.py).
from alliance.exercises.views import after_action as aar_views  # noqa: E402

urlpatterns += [
    path("runs/<int:run_id>/after-action/", aar_views.report, name="aar"),
    path("runs/<int:run_id>/after-action.pdf", aar_views.report_pdf_download, name="aar_pdf"),
    path("runs/<int:run_id>/after-action/improvements/", aar_views.improvement_add, name="aar_improvement_add"),
    path("runs/<int:run_id>/after-action/improvements/<int:item_id>/", aar_views.improvement_edit,
         name="aar_improvement_edit"),
    path("runs/<int:run_id>/after-action/improvements.csv", aar_views.improvement_csv, name="aar_improvement_csv"),
    path("runs/<int:run_id>/after-action/attendance/", aar_views.attendance, name="aar_attendance"),
    path("runs/<int:run_id>/after-action/certificates/issue/", aar_views.certificates_issue,
         name="aar_certificates_issue"),
    path("runs/<int:run_id>/after-action/certificates.pdf", aar_views.certificates_download,
         name="aar_certificates_pdf"),
    path("runs/<int:run_id>/after-action/certificates/<int:trainee_id>.pdf", aar_views.certificate_download,
         name="aar_certificate_pdf"),
    path("runs/<int:run_id>/feedback/", aar_views.feedback, name="aar_feedback"),
    path("runs/<int:run_id>/my-certificate.pdf", aar_views.my_certificate, name="aar_my_certificate"),
    path("certificates/verify/", aar_views.certificate_verify, name="certificate_verify"),
    path("runs/mine/", aar_views.my_exercises, name="aar_mine"),
]
