//! The window's side of the metrics service (`services::metrics`): it
//! tells the service which open incidents watch a metric (when that
//! changes), keeps where each stands (last read, or why not), and notices
//! when a verdict changes to one worth a notification: the fix did not
//! hold, or the metric is confirmed back to normal.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::model::metric::{self, Bucket, Judgement, Progress, Source, Verdict};
use crate::model::{Incident, IncidentId, Stamp, Stamped, State};
use crate::reminder::Reminder;
use crate::services::metrics::{Job, News, Watched};
use crate::services::{self, Services};

/// Where one incident's metric stands on this desk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricStatus {
    /// When it was last read here.
    pub read_at: Option<DateTime<Utc>>,
    /// When it last could not be read, why, and when it is tried again
    /// (cleared by the next good read).
    pub failed: Option<(DateTime<Utc>, String, DateTime<Utc>)>,
    /// Set up on another desk, and not read here until this desk agrees.
    pub not_agreed: bool,
}

/// What a verdict was judged from — the incident as it was (every change
/// gives it a new stamp): judged again only when it changes.
type Seen = Stamp;

/// The window's side of the metrics service.
#[derive(Default)]
pub struct MetricNews {
    /// The watched metrics last told of.
    told: Vec<(IncidentId, Source, i64)>,
    /// Where each stands.
    pub status: BTreeMap<IncidentId, MetricStatus>,
    /// Each watched incident's judgement, and what it was judged from.
    judged: HashMap<IncidentId, (Seen, Judgement)>,
    /// The last test read: under way (`None`), or what it read.
    pub tested: Option<Option<Result<Vec<Bucket>, String>>>,
}

fn watched(incident: &Incident) -> Option<&metric::Watch> {
    incident
        .watch
        .as_ref()
        .filter(|w| w.stopped.is_none() && incident.is_open())
}

impl MetricNews {
    /// Tells the service which metrics to watch, when that changed.
    pub fn tell(&mut self, services: &Services, state: &State) {
        let now: Vec<(IncidentId, Source, i64)> = state
            .open_incidents()
            .filter_map(|i| watched(i).map(|w| (i.id.clone(), w.source.clone(), w.key())))
            .collect();
        if now == self.told {
            return;
        }
        let list = state
            .open_incidents()
            .filter_map(|i| {
                watched(i).map(|w| Watched {
                    incident: i.id.clone(),
                    source: w.source.clone(),
                    opened: i.opened_at,
                    progress: Progress::of(&i.series, i.opened_at),
                    key: w.key(),
                })
            })
            .collect();
        if services.send::<services::metrics::Metrics>(Job::Watch(list)) {
            self.told = now;
        }
    }

    /// Reads this incident's metric now.
    pub fn now(&self, services: &Services, incident: &IncidentId) {
        services.send::<services::metrics::Metrics>(Job::Now(incident.clone()));
    }

    /// This desk reads the incident's metric from `source` (connected or
    /// agreed to here): noted in the desk's file by the posting service,
    /// the file's one writer, and used by the metrics service at once.
    pub fn agree(&mut self, services: &Services, incident: &IncidentId, source: &Source) {
        services.send::<services::posting::Posting>(services::posting::Job::AgreeMetric {
            incident: incident.to_string(),
            source: Box::new(source.clone()),
        });
        services
            .send::<services::metrics::Metrics>(Job::Agreed(incident.clone(), source.identity()));
        if let Some(status) = self.status.get_mut(incident) {
            status.not_agreed = false;
        }
    }

    /// Tells the service of keys just given (or taken back) for an
    /// incident's metric, to use at once.
    pub fn keys(
        &self,
        services: &Services,
        incident: &IncidentId,
        keys: Option<crate::sources::Keys>,
    ) {
        services.send::<services::metrics::Metrics>(Job::Keys(incident.clone(), keys));
    }

    /// Reads `source` once for the last hour, to show before watching it.
    pub fn test(
        &mut self,
        services: &Services,
        incident: IncidentId,
        source: Box<Source>,
        keys: Option<crate::sources::Keys>,
    ) {
        let job = Job::Test {
            incident,
            source,
            keys,
        };
        self.tested = services
            .send::<services::metrics::Metrics>(job)
            .then_some(None)
            .or(Some(Some(Err(
                "Metrics can't be read from this window.".into()
            ))));
    }

    /// Takes in what the service said.
    pub fn take(&mut self, news: News) {
        match news {
            News::Read { incident, at } => {
                let status = self.status.entry(incident).or_default();
                status.read_at = Some(at);
                status.failed = None;
                status.not_agreed = false;
            }
            News::Failed {
                incident,
                at,
                why,
                again,
            } => {
                let status = self.status.entry(incident).or_default();
                status.failed = Some((at, why, again));
                status.not_agreed = false;
            }
            News::Tested(got) => self.tested = Some(Some(got)),
            News::NotAgreed(incident) => self.status.entry(incident).or_default().not_agreed = true,
        }
    }

    /// The incident's watched metric judged, again only when its
    /// readings, deployment or limits changed since; the verdict before
    /// when it was judged again (`None` when first judged).
    fn judge(&mut self, incident: &Stamped<Incident>) -> Option<Option<Verdict>> {
        let watch = incident.watch.as_ref()?;
        let deployed = incident.deployment.deployed_at;
        let seen: Seen = incident.stamp();
        if self
            .judged
            .get(&incident.id)
            .is_some_and(|(s, _)| *s == seen)
        {
            return None;
        }
        let judgement = metric::judge(&incident.series, watch, incident.opened_at, deployed);
        let before = self
            .judged
            .insert(incident.id.clone(), (seen, judgement))
            .map(|(_, j)| j.verdict);
        Some(before)
    }

    /// The judgement last made of the incident's metric.
    pub fn judgement(&self, id: &IncidentId) -> Option<&Judgement> {
        self.judged.get(id).map(|(_, j)| j)
    }

    /// What the incident's watched metric says, judged when it changed.
    pub fn judged(&mut self, incident: &Stamped<Incident>) -> Option<&Judgement> {
        self.judge(incident);
        self.judged.get(&incident.id).map(|(_, j)| j)
    }

    /// The notifications owed for verdicts that changed since last looked
    /// at: the metric back above normal after the fix, or confirmed back to
    /// normal. A verdict first seen (the window just opened) is noted, not
    /// told.
    pub fn changed_verdicts(
        &mut self,
        state: &State,
        clock: impl Fn(DateTime<Utc>) -> String + Copy,
    ) -> Vec<Reminder> {
        let mut owed = Vec::new();
        for incident in state.incidents.values().filter(|i| i.is_open()) {
            let Some(Some(before)) = self.judge(incident) else {
                continue;
            };
            let (Some(watch), Some((_, judgement))) =
                (&incident.watch, self.judged.get(&incident.id))
            else {
                continue;
            };
            if before == judgement.verdict {
                continue;
            }
            let deployed = incident.deployment.deployed_at;
            let title = crate::model::shorten(&incident.title, 60);
            let words = metric::verdict_words(judgement, watch, deployed, clock);
            let (summary, body) = match judgement.verdict {
                Verdict::Regressed => (
                    format!("{title}: back above normal"),
                    format!("{words}. The fix may not have held."),
                ),
                Verdict::Normal if judgement.proposed.start.is_some() => (
                    format!("{title}: back to normal"),
                    format!("{words} — post a last update and resolve?"),
                ),
                _ => continue,
            };
            owed.push(Reminder {
                incident: incident.id.clone(),
                summary,
                body,
                critical: judgement.verdict == Verdict::Regressed,
                count: 1,
            });
        }
        owed
    }
}
