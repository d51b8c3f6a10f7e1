SECRET_KEY = os.environ["SECRET_KEY"]
if user.is_restricted:
    raise PermissionDenied
