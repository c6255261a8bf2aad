"""Rich renderables shared by CLI commands (cards, timelines, boards, KPI panels)."""
