# Laksana: citizens' pages. English.

## Page frame
skip-to-content = Skip to content
nav-label = Main menu
nav-track = Track a report
footer-text = Laksana: complaints and suggestions about public services. Your report goes to the agency responsible.

## Errors
error-home = Back to the home page
error-invalid = The request could not be processed
error-sign-in = Please sign in first
error-forbidden = You may not open this page
error-forbidden-detail = This page belongs to another role. If you think this is a mistake, contact an administrator.
error-not-found = Page not found
error-not-found-detail = This address does not exist, or the report is not public.
error-wrong-code = Wrong follow-up code
error-wrong-code-detail = Check the code you received when you reported.
error-too-many = Too many attempts
error-too-many-detail = Please wait a while, then try again.
error-busy = The service is busy
error-busy-detail = Please try again in a moment. Going back to the previous page keeps what you typed.
error-internal = Something went wrong on our side
error-internal-detail = The error has been logged. Please try again later.

## Choosing a region
index-title = Choose your region
index-lead = Report a problem with a public service in your region and follow how it is resolved.
index-none = No region is served here yet.

## Region home
home-lead = Tell us about problems with public services. Every report goes to the agency responsible and has a deadline.
home-report = Report
home-counters = { $month }
home-received = Reports received
home-resolved = Resolved
home-within = Not past a deadline
home-map = Map of recent reports
home-map-nojs = The map needs JavaScript. The recent reports are listed below.
legend-red = Red: new, not yet handled
legend-yellow = Yellow: being handled
legend-green = Green: done
home-recent = Recent reports
home-none = No public reports yet.

## Status
status-submitted = Received
status-needs_info = More information needed
status-dispositioned = Sent to the agency
status-in_progress = In progress
status-resolved = Resolved
status-closed = Closed
status-reopened = Reopened
status-not_authority = Not the region's authority
status-archived = Archived

## Report page
report-title = Report { $id }
report-back = Back to the region's home page
report-received = Received
report-place = Location
report-agency = Agency
report-agency-none = Not assigned yet
report-deadline = Deadline
report-days-left = { $count ->
    [one] 1 working day left
   *[other] { $count } working days left
}
report-days-late = { $count ->
    [one] 1 working day late
   *[other] { $count } working days late
}
report-photos = Photos
report-photo-alt = Photo { $n } of the report
report-timeline = Progress
report-track-hint = Did you report this? Track it with your follow-up code to respond.

## Reporter's actions
act-answer-title = The officer asked for more information
act-answer-label = Your answer
act-answer-send = Send the answer
act-confirm-title = Is the problem solved?
act-rating = Rate how it was handled (optional)
act-stars = { $count ->
    [one] 1 star
   *[other] { $count } stars
}
act-confirm = Yes, it is solved
act-reopen-label = Not solved? Tell us why
act-reopen = Reopen the report
act-text-needed = Please write your explanation.
act-rating-range = The rating must be between 1 and 5 stars.
act-unknown = This action is not known.
act-confirmed = Thank you. The report is marked as done.
act-reopened = The report is reopened and goes back to the officers.
act-answered = Thank you. Your answer has been passed on to the officers.
act-conflict = This report has just changed. Here is how it stands now; check it and try again if needed.

## Tracking
track-title = Track a report
track-lead = Enter the report number and the follow-up code you received when you reported.
track-id = Report number
track-code = Follow-up code
track-send = Track
track-missing = Please enter the report number and the follow-up code.
track-wrong = The report number or the follow-up code does not match.

## Choosing a service
pick-title = What would you like to report?
pick-search = Search for a kind of problem
pick-search-send = Search
pick-none = No service matches. Try another word.

## Receipt
received-title = We have received your report
received-id = Your report number:
received-code = Your follow-up code:
received-code-keep = Keep this code. Without an account, only this code lets you respond to the report.
received-next = What happens next?
received-next-by = An officer will check your report by { $date } at the latest, then send it to the agency responsible.
received-next-soon = An officer will check your report soon.
received-email = We have also sent a receipt to your email.
received-see = See the report
received-back = Back to { $name }

## Report form
submit-title = Report
submit-change-service = Choose another kind of problem
submit-has-errors = Some fields need correcting. See the message next to each.
submit-description = What is the problem?
submit-required-mark = (required)
submit-description-hint = Say what happened, where, since when, and who is affected.
submit-location = Location
submit-location-hint = Put a pin on the map, use your location, or type the address.
submit-map = Map to put the pin on
submit-locate = Use my location
submit-lat = Latitude
submit-lon = Longitude
submit-address = Address or landmark
submit-photos = Photos (at most { $max })
submit-photos-kept = { $count ->
    [one] 1 photo is kept. Untick it to drop it.
   *[other] { $count } photos are kept. Untick one to drop it.
}
submit-photo-n = Photo { $n }
submit-privacy = Who may see this report?
privacy-publik = Public
privacy-publik-hint = the report and your first name are shown to everyone.
privacy-anonim = Anonymous
privacy-anonim-hint = the report is shown to everyone without your name.
privacy-rahasia = Confidential
privacy-rahasia-hint = only the officers handling it can see the report.
submit-contact = About you (optional)
submit-contact-hint = Give an email address to hear how the report progresses.
submit-first-name = First name
submit-last-name = Last name
submit-email = Email
submit-phone = Phone number
submit-send = Send the report
submit-too-large = What you sent is too large. Use smaller or fewer photos.
submit-description-short = The description is too short. Write at least 10 characters.
submit-description-invalid = The description cannot be accepted
submit-location-needed = Please put a pin on the map or type the address.
submit-location-invalid = The latitude and longitude are not valid.
submit-too-long = This is too long (at most 200 characters).
submit-privacy-needed = Please choose who may see this report.
submit-email-invalid = The email address is not valid.
submit-too-many-photos = At most { $max } photos.
submit-required = This field is required.
submit-answer-invalid = This answer is not valid

## Staff
nav-staff = Staff
sign-in-title = Sign in
sign-in-lead = For complaint officers, agencies, leaders, the Ombudsman, and citizens with an account. Citizens need no account to report.
sign-in-password = Password
sign-in-send = Sign in
sign-in-wrong = Wrong email or password.
sign-out = Sign out
staff-title = Work queues
queue-title = Report queue
queue-counts = Open reports per status
queue-status = Status
queue-all = All
queue-service = Service
queue-district = District
queue-late-only = Overdue only
queue-filter = Apply
queue-empty = No open report matches.
queue-caption = Open reports, nearest deadline first
queue-report = Report
queue-next = Next page
work-back = Back to the queue
work-public-page = Public page
work-privacy = Privacy
work-pin = Map pin
work-reporter = Reporter
work-reporter-hidden = Not shown to your role
work-actions = Actions
work-verify = Verify and send on
work-service-agency = The service's own agency
work-note-optional = Note (optional)
work-dispose = Send to an agency
work-request-info = Ask the reporter for information
work-question = Question for the reporter
work-provide-info = Record the reporter's answer
work-answer = The reporter's answer
work-plan = Send the follow-up plan
work-plan-text = Follow-up plan
work-resolve = Mark as resolved
work-evidence = Evidence (what was done)
work-hand-back = Hand back to the complaint desk
work-reason = Reason
work-forward = Forward: not the region's authority
work-forward-to = Forwarded to
work-archive = Archive
archive-spam = Spam
archive-incomplete = Incomplete
archive-out_of_scope = Out of scope
archive-withdrawn = Withdrawn by the reporter
work-duplicate = Mark as a duplicate
work-duplicate-of = Number of the original report
work-comment = Replies and notes
work-comment-text = Text
work-reply = Send a public reply
work-note = Save an internal note
work-internal = internal
work-done = Saved.
work-input-needed = The action is missing some input
work-conflict = Someone else changed this report first. Here is how it stands now; check it and decide again.
submit-photo-unreadable = One of the photos could not be read as an image (JPEG, PNG or WebP). Choose another.

## Is it one of these?
nearby-title = Has the problem been reported already?
nearby-lead = These { $service } reports near your location from the last 30 days are still being handled. If one of them is the same, follow it: you will get its news by email.
nearby-distance = { $metres } m from your location
nearby-email = Email for the news
nearby-follow = Follow this report
nearby-new-lead = Not the same problem? Your report is sent as it is, with the photos you chose.
nearby-new = No, send my report
follow-title = You follow this report
follow-done = News of report { $id } will be sent to { $email }.
follow-again = This address already follows report { $id }.
follow-count = { $count ->
    [one] One other citizen reported the same problem and follows this report.
   *[other] { $count } other citizens reported the same problem and follow this report.
}
follow-closed = This report is finished and can no longer be followed. If the problem is back, send a new report.

## Overview and password
overview-title = Overview per agency
overview-caption = Open reports per agency, most overdue first
overview-open = Open
overview-overdue = Overdue
overview-escalated = Escalated
nav-overview = Overview per agency
nav-password = Change password
password-title = Change password
password-current = Current password
password-new = New password (at least 10 characters)
password-repeat = Repeat the new password
password-send = Save the password
password-done = The password is changed. The account's other sessions have ended.
password-mismatch = The two new passwords differ.
password-short = The new password needs at least { $min } characters.
password-wrong = The current password is wrong.
work-raise-privacy = Raise the privacy
work-raise-to = To
work-originals = Similar reports nearby (same service, 500 m, 90 days)
work-duplicate-this = Duplicate of { $id }
nearby-distance-plain = { $metres } m
work-after-photo = Photo after the work (optional)
work-evidence-needed = Write the evidence: what was done.

# Signed links and citizen accounts
link-failed-title = This link cannot be used
link-expired = This link has expired. Follow the report with its number and follow-up code, or ask for a new link.
link-invalid = This link is not valid or was already used. Check that it was copied whole from the email.
nav-mine = My reports
account-sign-up-title = Sign up
account-sign-up-lead = An account is optional. With one, all your reports are kept under "My reports" and you can answer them without a follow-up code.
account-name = Name (optional)
account-name-long = A name has at most 100 characters.
account-password-hint = At least { $min } characters.
account-sign-up-send = Sign up
account-have-one = Have an account already?
account-sent-title = Check your email
account-sent = We sent a confirmation link to { $email }. Open it to activate your account; it is valid for two days.
account-confirmed-title = Email address confirmed
account-confirmed = Your account is active. Please sign in.
account-confirm-again = Sign in to receive a new link
forgot-title = Forgotten password
forgot-lead = Enter your account's email address. We will send you a link to choose a new password.
forgot-send = Send the link
forgot-sent = If { $email } has an account, a link to choose a new password was sent to it. The link is valid for one hour.
forgot-again = Ask for a new link
forgot-done = Your new password is saved. Every earlier session of this account has ended; please sign in again.
sign-in-unconfirmed = This account's email address is not confirmed yet. Open the confirmation link we sent to it (we send it again, at most three times an hour), then sign in.
sign-in-no-account = No account yet?
sign-in-sign-up = Sign up
sign-in-forgot = Forgotten password?
mine-title = My reports
mine-none = No report was made with this account yet.
mine-pages = Pages of my reports
mine-prev = Previous page
mine-report-new = Make a new report
received-mine = This report is also kept in your account:
work-pin-set = Set the map pin
work-pin-move = Move the map pin
work-pin-none = This report came with an address only. Place its pin on the map (click the map) or type its coordinates.
work-pin-save = Save the pin
work-pin-invalid = Invalid coordinates: latitude between -90 and 90, longitude between -180 and 180, with a dot as the decimal mark.
account-repeat = Repeat the password

# Catalog administration
admin-title = Administration
admin-back = Back to administration
admin-saved = The change is saved.
admin-refused = The change was refused; nothing was saved:
admin-settings = The jurisdiction's settings
admin-name = Name
admin-time-zone = Time zone
admin-contact = Complaint desk contact
admin-save = Save
admin-services = Services
admin-service = Service
admin-service-new = New service
admin-service-code-hint = Lower-case letters, digits and hyphens, e.g. jalan-rusak. It cannot change once made.
admin-inactive = inactive
admin-attributes-n = { $count ->
    [one] 1 attribute
   *[other] { $count } attributes
}
admin-agencies = Agencies
admin-agency = Agency
admin-agency-new = New agency
admin-agency-code-hint = An abbreviation without spaces, e.g. DPUPR. It cannot change once made.
admin-code = Code
admin-handler = Complaint handler (name)
admin-phone = Phone
admin-description = Description
admin-group = Group
admin-keywords = Keywords (separated by commas)
admin-kind = Kind
admin-sla = Resolution tier
admin-days = { $count ->
    [one] 1 working day
   *[other] { $count } working days
}
admin-private = Always confidential (e.g. extortion): its reports never appear on a public page
admin-active = Active: offered to citizens
admin-attributes = Extra questions (Open311 attributes)
admin-attributes-hint = Fill in a code to add a question; leave unused rows empty. For a list, write one choice per line: key = name.
admin-attribute = Question
admin-datatype = Kind of answer
admin-question = The question to the reporter
admin-attribute-hint = Hint
admin-order = Order
admin-values = Choices (key = name, one per line)
admin-required = An answer is required
admin-remove = Remove this question
admin-attribute-add = Add a question
admin-districts = Districts
admin-districts-n = { $count ->
    [one] 1 district.
   *[other] { $count } districts.
}
admin-districts-upload = Upload district outlines
admin-districts-hint = A GeoJSON file: a FeatureCollection of Polygons (or MultiPolygons for districts in parts) with code and name properties, in longitude/latitude (WGS 84). Districts are matched by code; others stay.
admin-districts-file = GeoJSON file
admin-districts-check = Check and preview
admin-districts-refused = The file was refused; nothing was saved:
admin-districts-warnings = Please check:
admin-districts-preview = Preview
admin-districts-map = Map preview of the districts
admin-districts-apply = Apply these districts
admin-districts-in-file = Districts in the file
admin-districts-now = Districts now
admin-districts-empty = Choose a GeoJSON file first.
admin-districts-not-text = The file is not UTF-8 text (GeoJSON).
admin-level = Level
admin-change = Change
admin-change-new = new
admin-change-changed = changed
admin-change-same = same
admin-activity = Record of changes
admin-activity-lead = Every change to settings, accounts, services, agencies and districts, newest first. It is kept in the audit chain and cannot be altered.
admin-when = When
admin-what = Change
admin-who = By
admin-details = Details
nav-admin = Administration
admin-name-en = Name in English
admin-default-privacy = Privacy the form starts with
admin-agency-active = Active: takes new dispositions
admin-people = Staff
admin-invite = Invite a staff member
admin-invite-hint = The account is made with one role in this jurisdiction. They receive an email with a link to choose their own password (valid for a week).
admin-invite-send = Send the invitation
admin-role = Role
admin-role-agency = Agency (for officer and agency_head)
admin-role-needed = Choose a staff role.
admin-state = State
admin-disabled = disabled
admin-invited = invited, no password yet
admin-active-account = active
admin-disable = Disable
admin-enable = Enable again
admin-not-yourself = You cannot disable your own account.
admin-keys = API keys
admin-key-new = A new API key
admin-key-hint = For programs that submit reports (Open311), e.g. a citizen app or a WhatsApp gateway. The key is shown once.
admin-key-name = Program name
admin-key-name-needed = Give the program a name (at most 100 characters).
admin-key-create = Make the key
admin-key-made = The new key; copy it now, it will not be shown again:
admin-key-prefix = Prefix
admin-key-revoked = revoked
admin-key-revoke = Revoke
admin-calendar = Deadlines and holidays
admin-deadlines = Deadlines (working days)
admin-deadlines-hint = They apply to deadlines counted from now on; 1 to 365 working days.
admin-deadline-verification = Verifying a new report
admin-deadline-plan = The agency's follow-up plan
admin-deadline-info_reply = The reporter's answer to a question
admin-deadline-confirmation = The reporter's confirmation of a resolution
admin-deadline-escalation_step = From the first escalation to the second
admin-deadline-reopen_window = The reporter may still reopen after closing
admin-whole-number = must be a whole number of working days
admin-holidays = Holidays
admin-holiday-add = Add a holiday
admin-holiday-date = Date
admin-remove-holiday = Remove
admin-webhooks = Webhooks
admin-webhook-new = A new webhook
admin-webhook-hint = An address that receives every public report event (JSON, signed with HMAC-SHA256 under a secret shown once).
admin-webhook-create = Make the webhook
admin-webhook-made = The signing secret; copy it now, it will not be shown again:
admin-webhook-last = Last delivery
admin-grant = Give another role
admin-grant-send = Give the role
admin-key-service = How to get an API key (for app developers)
admin-key-service-hint = Shown in the Open311 discovery document. Leave empty for a standard sentence made from the contact.
admin-logo = Logo
admin-logo-now = The logo now
admin-logo-file = Logo image (PNG, JPEG or WebP)
admin-logo-remove = Remove the logo
admin-logo-needed = Choose a logo image first.
admin-create = A new jurisdiction
admin-create-hint = With the national deadlines and holidays. Its services, agencies and districts come next, on its administration page or with a region pack (laksana region import).
admin-jurisdiction-id = Jurisdiction id (its domain, e.g. kotabogor.go.id)
admin-create-send = Create the jurisdiction
admin-all = All jurisdictions
admin-revoke-role = Remove the role
admin-webhook-more = More recent deliveries

dash-title = Complaint handling dashboard
dash-lead = How quickly and how completely the local government handles citizens' reports, computed from the reports themselves. Every figure can be recomputed from the open data below.
dash-from = From
dash-to = To
dash-figures = Key figures
dash-figure = Figure
dash-value = Value
dash-definition = Definition
dash-definitions = Key figures and their definitions
dash-received = Reports received
dash-received-def = Public reports (public and anonymous) received in this period, under this filter.
dash-completed = Completed
dash-completed-def = Reports now resolved or closed.
dash-completion = Completion rate
dash-completion-def = Completed reports divided by reports received, leaving out reports archived or outside the region's authority.
dash-response = Time to first response
dash-response-def = Working days from receipt until staff first changed the report's status (median and 90th percentile).
dash-resolution = Time to resolution
dash-resolution-def = Working days from receipt to the last resolution, of reports now resolved or closed (median and 90th percentile).
dash-resolution-median = Median working days to resolution
dash-days-value = { $median } · { $p90 }
dash-days-detail = median · P90, working days; { $n } reports
dash-within = Resolved within deadline
dash-within-def = Of reports resolved or closed, the share resolved before their resolution deadline.
dash-reopen = Reopen rate
dash-reopen-def = Of reports ever resolved, the share their reporter reopened.
dash-rating = Reporters' rating
dash-rating-def = The mean rating (1–5) reporters gave when confirming a resolution.
dash-rating-value = { $mean } / 5
dash-rating-detail = { $n } ratings
dash-rahasia = Confidential reports: { $n } (counted only; not shown and not in any other figure).
dash-fresh = Figures are at most a minute old.
dash-trend-chart = Reports per month
dash-month = Month
dash-status-chart = Reports by status
dash-reports = Reports
dash-ranking-chart = Ranking of agencies
dash-ranking-def = Ordered by the share of reports resolved within deadline, then completion rate, then number of reports.
dash-duration-chart = Time to resolution
dash-working-days = Working days
dash-bucket-one = { $n } working days
dash-bucket-range = { $from }–{ $to } working days
dash-bucket-more = { $n } working days or more
dash-map-chart = Reports per district
dash-open-data = Open data
dash-open-data-lead = Every public report under the same filter, without reporter identity and without confidential reports. The columns are documented and never change order.
dash-api = These figures as JSON (API)

survey-title = Community satisfaction survey
survey-lead = Nine questions about the service you received, each with four possible answers. Your answers are not linked to your name and only count towards the community satisfaction index (IKM).
survey-about = Service:
survey-agency = The agency that served you
survey-service = The service (optional)
survey-profile = About you (optional)
survey-profile-lead = These questions help read the results; you may leave them empty.
survey-send = Send my answers
survey-fix = Some answers are missing or not valid; check the questions marked.
survey-thanks-title = Thank you
survey-thanks = Your answers have been received and count towards the community satisfaction index.
survey-to-dashboard = See the performance dashboard
survey-to-report = See your report
survey-link-invalid = This survey link is not valid or has expired. You can still see your report with its number and follow-up code.
survey-answered = This report's survey has been answered. Thank you for your answers.
survey-not-yet = This report's survey opens once the report has been resolved.
dash-ikm = Community satisfaction index (IKM)
dash-ikm-value = { $ikm } ({ $grade })
dash-ikm-detail = grade { $grade }; { $n } respondents, minimum sample { $min }
dash-ikm-none = no survey answers yet
dash-ikm-def = 25 × the weighted sum of the mean answer (1–4) of each survey element, from answers given in this period for the filtered service, agency or the whole region. Grade A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.
dash-compliance = Compliance with service standards
dash-compliance-value = { $score } ({ $zone })
dash-compliance-detail = { $zone } zone; year { $period }, { $n } agencies
dash-compliance-none = not assessed yet
dash-compliance-def = The Ombudsman's compliance self-assessment: each indicator scored 0–3, each dimension's mean rescaled to 0–100, then 0.2185 × input + 0.3237 × process + 0.2424 × output + 0.2154 × complaint handling. Green from 81, yellow from 51.
zone-green = green
zone-yellow = yellow
zone-red = red
services-title = Services and service standards
services-lead = Every service you can report about, with its service standards, and its agency's service pledge and complaint handler.
services-other = Other
service-deadline = Deadline to resolve a report
service-days = { $n } working days after disposition
service-handler = Complaint handler
service-not-yet = Not published yet.
service-survey = Take the satisfaction survey
service-dashboard = Performance of this service
service-maklumat = Service pledge (maklumat pelayanan)
service-standard = Service standards
service-decree = Set by { $number } of { $date } (version { $version })
service-no-standard = This service's standards have not been published yet.
service-history = Earlier versions
standard-public = This service's public page
standard-hint = Saving this form publishes a new version of the service standards under its decree's number and date. Earlier versions stay published as history.
standard-decree-number = Decree number
standard-decree-date = Decree date
standard-publish = Publish a new version
pledge-hint = This agency's service pledge, shown on the page of each of its services. Leave it empty to withdraw it.
ikm-weights = IKM element weights
ikm-weights-hint = The weights of the nine survey elements: numbers from 0 to 1 that sum to 1. By default each is 1/9 (0.1111).
ikm-weights-numbers = Every weight must be a number, such as 0.1111.
compliance-title = Compliance with service standards
compliance-period = Year assessed
compliance-none = No assessment for this year yet.
compliance-caption = Assessment of { $period }
compliance-score = Score
compliance-zone = Zone
compliance-recorded = Recorded
compliance-by = By
compliance-pending = Not assessed yet
compliance-chart = Compliance score per agency
compliance-hint = Score each indicator from 0 (absent) to 3 (fully met), with its evidence. Complaint-handling indicators that the reports' data can measure are scored automatically.
compliance-live = Computed from data:
compliance-evidence = Evidence
compliance-record = Record the assessment
compliance-history = Assessment history
dimension-input = Input
dimension-process = Process
dimension-output = Output
dimension-complaint_handling = Complaint handling
admin-quality = Service quality
dash-surveys-csv = Satisfaction survey answers (CSV), to recompute the IKM
