import os
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
