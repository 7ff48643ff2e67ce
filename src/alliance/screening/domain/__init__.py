"""Interview rules that hold whoever asks: catalogues, scoring, explanations, languages, tickets."""
