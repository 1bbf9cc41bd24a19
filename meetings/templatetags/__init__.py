"""Template helpers of the meeting pages."""
