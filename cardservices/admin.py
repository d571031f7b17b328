from django.contrib import admin

from .models import NumberLookup, SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "contact", "to_number", "status", "segments", "sent_by"]
    list_filter = ["status"]
    raw_id_fields = ["contact", "sent_by"]
    # A record of what was sent: not edited afterwards.
    readonly_fields = [f.name for f in SmsMessage._meta.fields]

    def has_add_permission(self, request):
        return False  # only sending one makes a record (every field is read-only here)


@admin.register(NumberLookup)
class NumberLookupAdmin(admin.ModelAdmin):
    list_display = ["created_at", "contact", "number", "valid", "number_type", "carrier"]
    raw_id_fields = ["contact", "looked_up_by"]
    readonly_fields = [f.name for f in NumberLookup._meta.fields]

    def has_add_permission(self, request):
        return False  # only a lookup makes a record (every field is read-only here)
