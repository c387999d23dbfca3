from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from grappe.directory.models import Event, Offering, Organisation, Software
from grappe.directory.summary import index_summary


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "summary": index_summary(),
            "latest_organisations": Organisation.objects.order_by("-created_at", "name")[:6],
            "latest_software": Software.objects.order_by("-created_at", "name")[:6],
            "upcoming_events": Event.objects.order_by("starts_on")[:4],
            "offering_count": Offering.objects.count(),
        },
    )
