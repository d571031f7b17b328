"""Calendar feeds: each user's secret iCalendar addresses (appointments; open tasks as
VTODO) for Outlook, Google Calendar and iOS to subscribe to."""
