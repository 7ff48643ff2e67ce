from django.urls import path

from alliance.exercises.views import evaluation

app_name = "exercises"

urlpatterns: list = [
    path("evaluation/board/", evaluation.board, name="evaluation_board"),
    path("evaluation/board/rows/", evaluation.board_rows, name="evaluation_board_rows"),
    path("evaluation/rate/", evaluation.rate, name="evaluation_rate"),
    path("evaluation/log/", evaluation.log_add, name="evaluation_log"),
    path("evaluation/debrief/", evaluation.debrief, name="evaluation_debrief"),
    path("evaluation/debrief/pdf/", evaluation.debrief_pdf, name="evaluation_debrief_pdf"),
]
