from django.conf import settings


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header: no page of ours needs a camera, a microphone, the
    user's location or payments, so no page (or anything injected into one) gets them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
