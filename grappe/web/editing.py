"""Placeholder while its helper writes it."""


def proposal(request, *args, **kwargs):
    raise NotImplementedError


def withdraw(request, *args, **kwargs):
    raise NotImplementedError


def manage(request, *args, **kwargs):
    raise NotImplementedError


def confirm(request, *args, **kwargs):
    raise NotImplementedError


def edit_organisation(request, *args, **kwargs):
    raise NotImplementedError


def new_entry(request, *args, **kwargs):
    raise NotImplementedError


def edit_entry(request, *args, **kwargs):
    raise NotImplementedError


def remove_entry(request, *args, **kwargs):
    raise NotImplementedError
