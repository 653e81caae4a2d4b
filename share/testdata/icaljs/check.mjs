// Reads an iCalendar feed on stdin with Mozilla's ical.js and prints, per event, what the Go
// test compares: uid, sequence, status, summary, start (UTC), and the calendar's refresh hints.
import ICAL from "ical.js";
let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;
const cal = new ICAL.Component(ICAL.parse(text));
const out = {
  refresh: String(cal.getFirstPropertyValue("refresh-interval")),
  ttl: cal.getFirstPropertyValue("x-published-ttl"),
  events: cal.getAllSubcomponents("vevent").map((c) => {
    const e = new ICAL.Event(c);
    return {
      uid: e.uid, sequence: e.sequence, status: c.getFirstPropertyValue("status"), summary: e.summary,
      description: e.description, start: e.startDate.toJSDate().toISOString(),
      dtstamp: String(c.getFirstPropertyValue("dtstamp")), lastModified: String(c.getFirstPropertyValue("last-modified")),
    };
  }),
};
process.stdout.write(JSON.stringify(out));
