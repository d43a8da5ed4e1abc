// Original file: keygate/v1/key_admin.proto


export interface WatchEventsRequest {
  'project'?: (string);
  'afterId'?: (string);
}

export interface WatchEventsRequest__Output {
  'project': (string);
  'afterId': (string);
}
