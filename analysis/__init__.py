"""PolicyLens analysis: returns, normal-return models, event studies, exports. No Streamlit."""

from analysis.event_study import (
    Event,
    EventStudyInputError,
    EventStudyResult,
    EventStudySpec,
    run_event_study,
)

__all__ = ["Event", "EventStudyInputError", "EventStudyResult", "EventStudySpec", "run_event_study"]
