"""Deployment files (deploy/scaleout/) and the Rasa server tuning (deploy/rasa_tuning.py)."""
