"""Deployment files: the scale-out set-up (deploy/scaleout/). Our Rasa server is rasa_server/."""
