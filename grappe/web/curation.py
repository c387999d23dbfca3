"""Placeholder while its helper writes it."""


def queue(request, *args, **kwargs):
    raise NotImplementedError


def proposal(request, *args, **kwargs):
    raise NotImplementedError


def claim(request, *args, **kwargs):
    raise NotImplementedError


def stale(request, *args, **kwargs):
    raise NotImplementedError
