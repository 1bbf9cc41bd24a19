"""Tests of the meeting pages, services and calendar feed."""
